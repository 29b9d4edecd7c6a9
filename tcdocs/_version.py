"""The version of tcdocs, in a module of its own: every module can name it without importing the package's front door."""

__version__ = "0.1.0"
