"""The pure core: model, durations, clock, matching, scoring and lifecycle. No I/O, no clock reads: "now" is passed in."""
