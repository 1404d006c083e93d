"""The error raised by the composite-indicator engine."""


class CompositeError(ValueError):
    """A composite-indicator input, parameter or method that cannot be used.

    The message says what was expected.
    """
