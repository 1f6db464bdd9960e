"""On-disk embedding cache keyed by (model name, text hash).

An embedding row is (model, SHA-256 of the text, vector). A vector still says something about its
text, and a hash of a short text can be guessed, so an erased respondent's rows are deleted too
(:meth:`EmbeddingCache.forget`), overwritten on disk (``secure_delete``). The one table that holds
text is ``translation``: a Nynorsk answer's Bokmål reading (:mod:`fritekst.nynorsk`), keyed by
(translator, hash of the answer as written) and forgotten with the answer, with its vectors.

A re-run embeds nothing it has seen: survey exports are re-run after every
config tweak, and embedding is by far the slowest stage. SQLite keeps the cache
in one file that several processes may share safely.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fritekst.embed.base import Embedder
from fritekst.errors import InputError

ProgressCallback = Callable[[int, int], None]

BATCH_SIZE = 64


def default_cache_path() -> Path:
    """``$FRITEKST_CACHE`` if set, else ``~/.cache/fritekst/embeddings.sqlite``."""
    env = os.environ.get("FRITEKST_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "fritekst" / "embeddings.sqlite"


def cache_model_key(embedder: Embedder) -> str:
    return f"{embedder.name}@{embedder.version}"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors by (model, sha256(text)) in one SQLite file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.path.touch(mode=0o600, exist_ok=True)  # the owner's alone, like a project's store
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS embedding ("
                " model TEXT NOT NULL, text_sha256 TEXT NOT NULL, vector BLOB NOT NULL,"
                " PRIMARY KEY (model, text_sha256))"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translation ("
                " engine TEXT NOT NULL, text_sha256 TEXT NOT NULL, translated TEXT NOT NULL,"
                " PRIMARY KEY (engine, text_sha256))"
            )
        except (OSError, sqlite3.Error) as error:
            raise InputError(
                f"cannot use this as the embedding cache ({error}); give a file path, or --no-cache",
                file=str(self.path),
                column="--cache",
            ) from None

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT text_sha256, vector FROM embedding WHERE model = ? AND text_sha256 IN ({marks})",
                [model, *chunk],
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embedding VALUES (?, ?, ?)",
                [(model, key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items.items()],
            )

    def translations(self, engine: str, keys: Sequence[str]) -> dict[str, str]:
        """The cached translations by ``engine`` of the texts with these hashes."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            rows = self._db.execute(
                f"SELECT text_sha256, translated FROM translation WHERE engine = ? AND text_sha256 IN "
                f"({','.join('?' * len(chunk))})", [engine, *chunk])
            found.update(rows)
        return found

    def put_translations(self, engine: str, items: dict[str, str]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO translation VALUES (?, ?, ?)",
                                 [(engine, key, text) for key, text in items.items()])

    def translated(self, texts: Sequence[str]) -> list[str]:
        """Every cached translation of ``texts`` (any engine): what an erasure must forget too."""
        keys = sorted({text_key(text) for text in texts})
        found: list[str] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found += [row[0] for row in self._db.execute(
                f"SELECT translated FROM translation WHERE text_sha256 IN ({','.join('?' * len(chunk))})", chunk)]
        return found

    def forget(self, texts: Sequence[str]) -> int:
        """Delete every model's vector and every translation of each of ``texts`` and empty the
        write-ahead log; returns how many rows went."""
        keys = sorted({text_key(text) for text in texts})
        removed = 0
        with self._db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                for table in ("embedding", "translation"):
                    removed += self._db.execute(
                        f"DELETE FROM {table} WHERE text_sha256 IN ({','.join('?' * len(chunk))})", chunk
                    ).rowcount
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def close(self) -> None:
        self._db.close()


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: np.ndarray
    n_unique: int
    n_from_cache: int
    n_embedded: int


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache | None = None,
    on_progress: ProgressCallback | None = None,
) -> EmbeddingResult:
    """Embed ``texts`` in order, each distinct text once, reusing cached vectors."""
    unique = list(dict.fromkeys(texts))
    if not embedder.cacheable:
        # Fitted on the batch (e.g. TF-IDF): must see every text at once.
        by_text = dict(zip(unique, embedder.encode(unique)))
        n_cached = 0
    elif cache is None:
        by_text = dict(zip(unique, _encode_batches(embedder, unique, on_progress)))
        n_cached = 0
    else:
        model = cache_model_key(embedder)
        keys = {text: text_key(text) for text in unique}
        cached = cache.get_many(model, list(keys.values()))
        missing = [text for text in unique if keys[text] not in cached]
        fresh = _encode_batches(embedder, missing, on_progress, cache=cache, keys=keys)
        by_text = {text: cached[keys[text]] for text in unique if keys[text] in cached}
        by_text.update(zip(missing, fresh))
        n_cached = len(unique) - len(missing)
    dim = embedder.dim
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        matrix[row] = by_text[text]
    return EmbeddingResult(matrix, len(unique), n_cached, len(unique) - n_cached)


def _encode_batches(
    embedder: Embedder,
    texts: list[str],
    on_progress: ProgressCallback | None,
    cache: EmbeddingCache | None = None,
    keys: dict[str, str] | None = None,
) -> np.ndarray:
    """Encode in batches, saving each batch so an interrupted run keeps its work."""
    parts = []
    for start in range(0, len(texts), BATCH_SIZE):
        batch = texts[start : start + BATCH_SIZE]
        vectors = embedder.encode(batch)
        if cache is not None and keys is not None:
            cache.put_many(cache_model_key(embedder), {keys[t]: v for t, v in zip(batch, vectors)})
        parts.append(vectors)
        if on_progress:
            on_progress(min(start + BATCH_SIZE, len(texts)), len(texts))
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.vstack(parts)
