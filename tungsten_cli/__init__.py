"""tungsten: a command-line fact browser for the tungsten supply chain."""

__version__ = "0.1.0"
SCHEMA_VERSION = "1"
