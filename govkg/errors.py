"""One root exception; everything a user can cause is a subclass with a message that says what to do."""


class GovkgError(Exception):
    """Root of every expected failure. The CLI prints its message as one line, never a trace."""


class InputError(GovkgError):
    """A report file cannot be read or is not a report. The message names the file."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class StoreError(GovkgError):
    """The store cannot be opened, reached or written."""


class StoreLockedError(StoreError):
    """Another process holds the embedded database open for writing."""


class QueryError(GovkgError):
    """A query name, parameter or text is not acceptable."""


class ReadOnlyViolation(QueryError):
    """A query offered as read-only would change data, load files or call a writing procedure."""
