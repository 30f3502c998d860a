"""The `bot` command: index, passages, ask, serve, eval. Failures are one line on stderr and exit code 1."""
from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from bot.config import Config
from bot.errors import BotError


def _common(command):
    """Options every command that touches the corpus, index or model shares."""
    options = [
        click.option("--corpus-dir", type=click.Path(path_type=Path), help="Folder of documents [env BOT_CORPUS_DIR]."),
        click.option("--index-dir", type=click.Path(path_type=Path), help="Index folder [env BOT_INDEX_DIR]."),
        click.option("--model", help="'default' (the bundled e5-small on ONNX Runtime), 'default-int8', 'default-torch', or a sentence-transformers model name or path [env BOT_MODEL]."),
        click.option("--cache-dir", type=click.Path(path_type=Path), help="Where the converted default model lives [env BOT_CACHE_DIR]."),
        click.option("--quiet", is_flag=True, help="No progress bars or status lines."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _listing_options(command):
    """Options of the commands that only read the corpus (docs, passages). --model and --cache-dir are
    accepted, unused, so that one set of options works with every command."""
    options = [
        click.option("--corpus-dir", type=click.Path(path_type=Path), help="Folder of documents [env BOT_CORPUS_DIR]."),
        click.option("--index-dir", type=click.Path(path_type=Path), help="Index folder, whose ids are shown [env BOT_INDEX_DIR]."),
        click.option("--model", hidden=True),
        click.option("--cache-dir", type=click.Path(path_type=Path), hidden=True),
        click.option("--quiet", is_flag=True, help="Do not list the files that were skipped."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _config(corpus_dir, index_dir, model, cache_dir, quiet, **extra) -> Config:
    return Config.from_env(corpus_dir=corpus_dir, index_dir=index_dir, model=model, cache_dir=cache_dir,
                           progress=not quiet, **extra)


def _status(quiet: bool):
    return (lambda line: None) if quiet else (lambda line: click.echo(line, err=True))


def _one_line_errors(function):
    """BotError (and a broken pipe or Ctrl-C) becomes one clear line instead of a traceback."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except BotError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            raise click.ClickException("interrupted") from None
        except BrokenPipeError:  # `bot passages | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except OSError as error:  # a folder that cannot be created or read: say which, not where in the code
            where = f": {error.filename}" if error.filename else ""
            raise click.ClickException(f"{error.strerror or error}{where}") from None
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bot")
def main() -> None:
    """Ask questions about policy documents; answers quote them with official references."""


@main.command()
@_common
@_one_line_errors
def index(quiet: bool, **options) -> None:
    """Build (or rebuild) the index of the corpus."""
    from bot.engine import Bot

    Bot.open(_config(quiet=quiet, **options), rebuild=True, say=_status(quiet))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@_common
@_one_line_errors
def add(files: tuple[Path, ...], quiet: bool, **options) -> None:
    """Add documents (.txt, .md, .pdf, .docx) to the corpus and index them; the rest of the index is kept."""
    from bot.engine import Bot
    from bot.library import add_files

    config = _config(quiet=quiet, **options)
    for line in add_files(config.corpus_dir, files):
        click.echo(line, err=True)
    Bot.open(config, say=_status(quiet))


@main.command()
@click.argument("doc")
@_common
@_one_line_errors
def remove(doc: str, quiet: bool, **options) -> None:
    """Remove a document (its id, symbol or file name) from the corpus and drop exactly its passages from the index.

    The file is moved to the corpus's .removed/ folder, not deleted."""
    from bot.engine import Bot
    from bot.library import remove_document

    config = _config(quiet=quiet, **options)
    click.echo(remove_document(config.corpus_dir, doc, config.index_dir), err=True)
    Bot.open(config, say=_status(quiet))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines: id, symbol, title, language, kind, date, file, passages.")
@_listing_options
@_one_line_errors
def docs(as_json: bool, corpus_dir: Path | None, index_dir: Path | None, quiet: bool, **_unused) -> None:
    """The documents of the corpus: id, symbol, language, passage count, title."""
    from collections import Counter

    from bot.corpus import load_corpus
    from bot.index import parse_documents, previous_ids
    from bot.render import document_to_dict

    config = Config.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    documents, skipped = load_corpus(config.corpus_dir, previous_ids(config.index_dir))
    for line in () if quiet else skipped:
        click.echo(f"skipped {line}", err=True)
    counts = Counter(p.doc for p in parse_documents(documents))
    for document in documents:
        if as_json:
            click.echo(json.dumps(document_to_dict(document, counts[document.id]), ensure_ascii=False))
        else:
            click.echo(f"{document.id}\t{document.symbol or '-'}\t{document.language}\t{counts[document.id]}\t{document.title}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines: id, doc, kind, citation, text, section, pages.")
@_listing_options
@_one_line_errors
def passages(as_json: bool, corpus_dir: Path | None, index_dir: Path | None, quiet: bool, **_unused) -> None:
    """Every passage of the corpus in document order."""
    from bot.corpus import load_corpus
    from bot.index import parse_documents, previous_ids
    from bot.render import passage_to_dict

    config = Config.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    documents, skipped = load_corpus(config.corpus_dir, previous_ids(config.index_dir))
    for line in () if quiet else skipped:
        click.echo(f"skipped {line}", err=True)
    for passage in parse_documents(documents):
        if as_json:
            click.echo(json.dumps(passage_to_dict(passage), ensure_ascii=False))
        else:
            click.echo(f"{passage.id}\t{passage.citation}\t{passage.text}")


@main.command()
@click.argument("question", required=False)
@click.option("--k", "k", type=int, default=None, help="How many passages to return (1-50, default 5).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option("--batch", type=click.Path(path_type=Path, dir_okay=False),
              help='JSONL file of {"id": ..., "q": ...}; a follow-up adds "history": [earlier questions].')
@click.option("--doc", help="Answer from this document only (its id from `bot docs`, or its symbol).")
@_common
@_one_line_errors
def ask(question: str | None, k: int | None, as_json: bool, batch: Path | None, doc: str | None, quiet: bool,
        **options) -> None:
    """Answer QUESTION with quotes and citations (or every line of --batch)."""
    from bot.engine import Bot, clean_question
    from bot.render import answer_to_dict, answer_to_text

    if (question is None) == (batch is None):
        raise click.ClickException("give a QUESTION or --batch FILE (one of the two)")
    # A bad question, k or batch file fails before the model loads.
    clean_question("k" if question is None else question, 1 if k is None else k)
    if batch is not None and not batch.is_file():
        raise click.ClickException(f"batch file not found: {batch}")
    bot = Bot.open(_config(quiet=quiet, **options), say=_status(quiet))
    if doc is not None:
        bot.document(doc)  # an unknown document fails once, before any question
    if batch is None:
        answer = bot.ask(question, k=k, doc=doc)
        if as_json:
            click.echo(json.dumps(answer_to_dict(answer, bot.by_id, bot.titles), ensure_ascii=False))
        else:
            click.echo(answer_to_text(answer, bot.by_id))
    else:
        from bot.batch import answer_batch

        for record in answer_batch(bot, batch, k, doc):
            if as_json:
                click.echo(json.dumps(record, ensure_ascii=False))
            elif "error" in record:
                click.echo(f"[{record['id']}] {record['error']}\n")
            else:  # each answer under its id and question
                click.echo(f"[{record['id']}] {record['question']}\n{record['answer']}\n")
    if _exit_when_answered:  # the process ends here, before the bot is freed object by object (see run)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on (1–65535).")
@click.option("--allow-remote", is_flag=True, help="Required to bind anything but loopback.")
@click.option("--allow-upload", is_flag=True,
              help="Let people add documents from the page when listening beyond loopback (on loopback it always can).")
@_common
@_one_line_errors
def serve(host: str, port: int, allow_remote: bool, allow_upload: bool, quiet: bool, **options) -> None:
    """Start the web chat (Gradio) on 127.0.0.1."""
    from bot.web import serve as run

    run(_config(quiet=quiet, **options), host=host, port=port, allow_remote=allow_remote, allow_upload=allow_upload,
        say=_status(False))


@main.command(name="eval")
@click.option("--questions", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="JSONL question set (default bench/questions.jsonl).")
@click.option("--split", help="Only the questions of this split (e.g. dev or heldout).")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
@_common
@_one_line_errors
def eval_command(questions: Path | None, split: str | None, as_json: bool, quiet: bool, **options) -> None:
    """Measure retrieval: hit@1, hit@5, MRR@10 per kind; hybrid against BM25-only and dense-only."""
    from bot.config import PROJECT_DIR
    from bot.engine import Bot
    from bot.evaluate import evaluate, format_report, load_questions

    questions_path = questions or PROJECT_DIR / "bench" / "questions.jsonl"
    asked = [q for q in load_questions(questions_path) if split is None or q.split == split]
    if not asked:
        raise click.ClickException(f"no questions{' of split ' + split if split else ''} in {questions_path}")
    bot = Bot.open(_config(quiet=quiet, **options), say=_status(quiet))
    report = evaluate(bot, asked)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(f"{len(asked)} questions from {questions_path}")
        click.echo(format_report(report))


_exit_when_answered = False  # set by run(): the command, not a caller of main() such as a test


def run() -> None:
    """The `bot` command. Once `ask` has written its answers the process ends at once: freeing the model,
    jieba's dictionary and the index object by object took about 0.5 s of a cold `bot ask`, and the OS frees
    the memory anyway. Files are all closed by then; the index is only ever written before answering."""
    global _exit_when_answered
    _exit_when_answered = True
    main()


if __name__ == "__main__":
    run()
