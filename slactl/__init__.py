"""slactl: Service Level Agreements kept as YAML in git, checked in the terminal."""

__version__ = "0.3.0"
