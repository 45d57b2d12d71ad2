"""The one error a reader raises for a file it cannot turn into a Document."""


class ReadError(Exception):
    """A file that cannot be read as an essay; the message is the reason, for a warning."""
