"""The package version, kept apart so that every room can record it without importing the
public API (which gathers every room)."""

__version__ = "0.1.0"
