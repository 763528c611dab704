"""The pure core: model, clock, matching, scoring (no I/O)."""
