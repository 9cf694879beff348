"""shadow-tui: a terminal history browser for coding-agent sessions."""

__version__ = "0.1.0"
