"""Errors shown to people in plain words: the CLI prints them, the app shows them."""


class ShadowTuiError(Exception):
    """An error whose message is meant for the person running shadow-tui."""


class DatabaseError(ShadowTuiError):
    """The database cannot be opened or used."""


class DatabaseNotFoundError(DatabaseError):
    """The database file does not exist."""


class SchemaVersionError(DatabaseError):
    """The database schema is older or newer than this version of shadow-tui."""


class QuerySyntaxError(ShadowTuiError):
    """A filter or search query cannot be parsed."""


class NotFoundError(ShadowTuiError):
    """A task or item named by id does not exist, or its prefix is ambiguous."""
