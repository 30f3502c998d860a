"""bot: offline question answering over policy documents, answers quoted with their official references.

`import bot` is light: torch and the model load only when a question is first embedded.
"""
from bot.config import Config
from bot.errors import BotError, CorpusError, IndexProblem, ModelError, QueryError
from bot.records import Answer, Hit, Passage, Quote

__all__ = ["Answer", "Bot", "BotError", "Config", "CorpusError", "Hit", "IndexProblem", "ModelError", "Passage",
           "QueryError", "Quote"]


def __getattr__(name: str):
    if name == "Bot":  # the engine pulls numpy and faiss; load it on first use
        from bot.engine import Bot

        return Bot
    raise AttributeError(name)
