"""The few named failures the CLI and the chat turn into one clear line."""


class BotError(Exception):
    """Base class: every failure a user should read as one line."""


class CorpusError(BotError):
    """A corpus file cannot be read or decoded."""


class IndexProblem(BotError):
    """The index on disk is missing, stale, damaged or built for something else."""


class ModelError(BotError):
    """The embedding model cannot be found, verified or loaded."""


class QueryError(BotError):
    """A question or an option cannot be answered as given."""
