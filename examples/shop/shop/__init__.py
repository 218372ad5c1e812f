"""Example shop service used to exercise preflight."""

__version__ = "0.1.0"
