"""The error types of frozen-slt. Every one is an InvalidParameterError, so that a caller (and the
`slt` command line) can catch one type for "the request cannot be served as asked"; the
subclasses say why when a caller wants to tell the cases apart."""


class InvalidParameterError(ValueError):
    """A parameter is outside its allowed range.

    The message names the parameter, the value received and what is allowed, so that a user
    can fix the call without reading the source.
    """


class ResourceLimitError(InvalidParameterError):
    """A request would exceed a documented memory or work limit.

    The message names the parameter(s), what the request would need and the limit, so that a
    user can split the request or raise the limit where the docstring says it can be raised.
    """


class CorruptResultError(InvalidParameterError):
    """A result file on disk is damaged (truncated, unparsable) or was edited after it was
    written (its checksum does not match). ``path`` names the file."""

    def __init__(self, message, path=None):
        super().__init__(message)
        self.path = None if path is None else str(path)

    def __reduce__(self):  # keep ``path`` when the error crosses a process boundary
        return type(self), (str(self), self.path)
