"""On-disk embedding cache keyed by (model name, text hash), with each text's lemmas beside it.

A vector row is (model, SHA-256 of the text, vector). A lemma row is (pipeline fingerprint,
SHA-256 of the text, its tokens as written with lemma and part of speech): the words of the text,
so the file holds personal data as the run's output does. So does a ``translation`` row: a
Nynorsk answer's Bokmål reading (:mod:`fritekst.nynorsk`), keyed by (translator, hash of the
answer as written), and a ``findings`` row: where the privacy screen found personal data in a text
(:meth:`fritekst.privacy.Screen.find`), keyed by (the screen's fingerprint, hash of the text). A vector still says something about its text, and a hash of a short text can
be guessed, so an erased respondent's rows of every kind are deleted too
(:meth:`EmbeddingCache.forget`), overwritten on disk (``secure_delete``).

A partition row is (hash of the features a fit was given, the fit and its settings, the labels it
gave: a question's themes or a broad theme's sub-themes, :mod:`fritekst.themes.partitions`):
numbers only, which say nothing without the features they were fitted on.

A re-run embeds, lemmatises and clusters nothing it has seen: survey exports are re-run after
every config tweak (a codebook, a threshold, a mapping); embedding is by far the slowest stage of
a new run, and lemmatising (loading the spaCy pipeline and tagging every answer) and UMAP with
k-means were the slowest of a re-run. SQLite keeps the cache in one file that several processes
may share safely.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fritekst.embed.base import Embedder
from fritekst.errors import InputError

ProgressCallback = Callable[[int, int], None]

BatchEncoder = Callable[[list[str]], Iterable[tuple[Sequence[int], np.ndarray]]]
"""``encoder(texts)`` yields ``(rows, vectors)``, the positions in ``texts`` and their vectors, batch
by batch in any order: the embedder in this process by default, or a cluster
(:class:`fritekst.embed.ray_cluster.RayEncoder`)."""

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


# Each keyed table's (column naming what made the row, column of the value).
_COLUMNS = {"embedding": ("model", "vector"), "lemmas": ("pipeline", "pairs"), "translation": ("engine", "translated"),
            "findings": ("screen", "spans"), "standard": ("detector", "standard")}


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
                "CREATE TABLE IF NOT EXISTS partition (key TEXT PRIMARY KEY, labels BLOB NOT NULL)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS lemmas ("
                " pipeline TEXT NOT NULL, text_sha256 TEXT NOT NULL, pairs TEXT NOT NULL,"
                " PRIMARY KEY (pipeline, text_sha256))"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS findings ("
                " screen TEXT NOT NULL, text_sha256 TEXT NOT NULL, spans TEXT NOT NULL,"
                " PRIMARY KEY (screen, text_sha256))"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS standard ("
                " detector TEXT NOT NULL, text_sha256 TEXT NOT NULL, standard TEXT NOT NULL,"
                " PRIMARY KEY (detector, text_sha256))"
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
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in self._select("embedding", model, keys)}

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embedding VALUES (?, ?, ?)",
                [(model, key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items.items()],
            )

    def get_lemmas(self, pipeline: str, keys: Sequence[str]) -> dict[str, list[tuple[str, ...]]]:
        """(form, lemma, part of speech) of each token of the texts hashed to ``keys`` that ``pipeline`` tagged before."""
        return self._get_rows("lemmas", pipeline, keys)

    def put_lemmas(self, pipeline: str, items: dict[str, list[tuple[str, ...]]]) -> None:
        self._put_rows("lemmas", pipeline, items)

    def get_findings(self, screen: str, keys: Sequence[str]) -> dict[str, list[tuple]]:
        """(start, end, kind) of the personal data ``screen`` (a fingerprint, :attr:`fritekst.privacy.
        Screen.fingerprint`) found in each of the texts hashed to ``keys`` before."""
        return self._get_rows("findings", screen, keys)

    def put_findings(self, screen: str, items: dict[str, list[tuple]]) -> None:
        self._put_rows("findings", screen, items)

    def _get_rows(self, table: str, maker: str, keys: Sequence[str]) -> dict[str, list[tuple]]:
        """A table of rows of tuples per text, kept as JSON: each text's rows ``maker`` made."""
        return {key: [tuple(row) for row in json.loads(rows)] for key, rows in self._select(table, maker, keys)}

    def _put_rows(self, table: str, maker: str, items: dict[str, list[tuple]]) -> None:
        self._put_values(table, maker, {key: json.dumps(rows, ensure_ascii=False) for key, rows in items.items()})

    def get_partition(self, key: str) -> np.ndarray | None:
        """The labels a fit gave the features hashed to ``key`` (:func:`fritekst.themes.
        partitions.partition_key`), if it was fitted on them before."""
        row = self._db.execute("SELECT labels FROM partition WHERE key = ?", (key,)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.int64).copy()

    def put_partition(self, key: str, labels: np.ndarray) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO partition VALUES (?, ?)",
                             (key, np.asarray(labels, dtype=np.int64).tobytes()))

    def _select(self, table: str, model: str, keys: Sequence[str]):
        """(text_sha256, value) of ``keys`` in ``table`` under ``model`` (a model, pipeline or translator)."""
        column, value = _COLUMNS[table]
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(
                f"SELECT text_sha256, {value} FROM {table} WHERE {column} = ? AND text_sha256 IN ({marks})",
                [model, *chunk],
            )

    def translations(self, engine: str, keys: Sequence[str]) -> dict[str, str]:
        """The cached translations by ``engine`` of the texts with these hashes."""
        return dict(self._select("translation", engine, keys))

    def put_translations(self, engine: str, items: dict[str, str]) -> None:
        self._put_values("translation", engine, items)

    def standards(self, detector: str, keys: Sequence[str]) -> dict[str, str]:
        """The written standard ``detector`` (:func:`fritekst.language.detector_fingerprint`) gave each
        of the texts with these hashes."""
        return dict(self._select("standard", detector, keys))

    def put_standards(self, detector: str, items: dict[str, str]) -> None:
        self._put_values("standard", detector, items)

    def _put_values(self, table: str, maker: str, items: dict[str, str]) -> None:
        with self._db:
            self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)",
                                 [(maker, key, value) for key, value in items.items()])

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
        """Delete every model's vector, every pipeline's lemmas, every screen's findings, every detector's
        written standard and every translation of each of ``texts`` and empty the write-ahead log; returns how many rows went."""
        keys = sorted({text_key(text) for text in texts})
        removed = 0
        with self._db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                for table in _COLUMNS:
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
    encoder: BatchEncoder | None = None,
) -> EmbeddingResult:
    """Embed ``texts`` in order, each distinct text once, reusing cached vectors; ``encoder``
    embeds the texts the cache lacks (default: ``embedder`` here, batch by batch)."""
    unique = list(dict.fromkeys(texts))
    if not embedder.cacheable:
        # Fitted on the batch (e.g. TF-IDF): must see every text at once.
        by_text = dict(zip(unique, embedder.encode(unique)))
        n_cached = 0
    elif cache is None:
        by_text = dict(zip(unique, _encode_batches(embedder, unique, on_progress, encoder)))
        n_cached = 0
    else:
        model = cache_model_key(embedder)
        keys = {text: text_key(text) for text in unique}
        cached = cache.get_many(model, list(keys.values()))
        missing = [text for text in unique if keys[text] not in cached]
        fresh = _encode_batches(embedder, missing, on_progress, encoder, cache=cache, keys=keys)
        by_text = {text: cached[keys[text]] for text in unique if keys[text] in cached}
        by_text.update(zip(missing, fresh))
        n_cached = len(unique) - len(missing)
    dim = embedder.dim
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        matrix[row] = by_text[text]
    return EmbeddingResult(matrix, len(unique), n_cached, len(unique) - n_cached)


def local_batches(embedder: Embedder) -> BatchEncoder:
    """The default encoder: ``embedder`` in this process, ``BATCH_SIZE`` texts at a time."""

    def encode(texts: list[str]):
        for start in range(0, len(texts), BATCH_SIZE):
            yield range(start, min(start + BATCH_SIZE, len(texts))), embedder.encode(texts[start : start + BATCH_SIZE])

    return encode


def _encode_batches(
    embedder: Embedder,
    texts: list[str],
    on_progress: ProgressCallback | None,
    encoder: BatchEncoder | None = None,
    cache: EmbeddingCache | None = None,
    keys: dict[str, str] | None = None,
) -> np.ndarray:
    """Encode batch by batch, saving each batch so an interrupted run keeps its work."""
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    done = 0
    for rows, batch_vectors in (encoder or local_batches(embedder))(texts):
        rows = list(rows)
        vectors[rows] = batch_vectors
        if cache is not None and keys is not None:
            cache.put_many(cache_model_key(embedder), {keys[texts[r]]: vectors[r] for r in rows})
        done += len(rows)
        if on_progress:
            on_progress(done, len(texts))
    return vectors
