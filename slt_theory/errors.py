"""The one error type that every public function of frozen-slt raises on bad input."""


class InvalidParameterError(ValueError):
    """A parameter is outside its allowed range.

    The message names the parameter, the value received and what is allowed, so that a user
    can fix the call without reading the source.
    """
