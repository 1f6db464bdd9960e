"""Norwegian tokens, lemmas and stop words, for keyword extraction.

The one place that decides which spaCy pipeline fritekst uses, in this order:

1. an installed ``nb_core_news_lg`` / ``_md`` / ``_sm`` (not installable from
   PyPI, but used when present);
2. a pipeline directory under the project's ``models/`` folder (or
   ``$FRITEKST_MODELS_DIR``): ``models/nb_fritekst/``, trained by
   ``models/recipe`` on Bokmål and Nynorsk together, so one pipeline serves
   answers in either written standard (scores in ``models/README.md``);
3. ``spacy.blank("nb")`` plus a lookup lemmatiser built from the Norsk Ordbank
   table in spacy-lookups-data, which needs no download and no tagger.

spaCy is imported only inside functions, so importing this module is cheap.

Example
-------
>>> lemmatise(["Boligene i kommunene"])
[['bolig', 'i', 'kommune']]
>>> keyword_lemmas(["Vi trenger flere boliger og bedre kontakt med NAV"])
[['trenge', 'bolig', 'kontakt', 'nav']]
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

__all__ = [
    "LOOKUP_LEMMATIZER",
    "PACKAGES",
    "POS_PRIORITY",
    "STOP_WORDS",
    "blank_pipeline",
    "find_local_pipeline",
    "is_keyword_token",
    "is_stop_word",
    "keyword_lemmas",
    "lemma_of",
    "lemma_table",
    "ordbank_lemmas",
    "lemmatise",
    "load_pipeline",
    "models_dir",
    "pipeline_setting",
    "pipeline_source",
    "tagged_words",
    "use_embedding_cache",
    "Word",
]

PACKAGES: tuple[str, ...] = ("nb_core_news_lg", "nb_core_news_md", "nb_core_news_sm")
PREFERRED_LOCAL = "nb_fritekst"
LOOKUP_LEMMATIZER = "fritekst_lookup_lemmatizer"
# Which part of speech wins when Norsk Ordbank gives one form several lemmas.
# Measured on the UD Norwegian Bokmål dev+test gold lemmas (53 586 word
# tokens, lemma overrides applied): noun>adj>verb>adv 86.6 % correct,
# noun>verb>adj>adv 86.3 %, identity 64.6 %. Nouns, the usual keywords, are
# 91.5 % correct either way.
POS_PRIORITY: tuple[str, ...] = ("noun", "adj", "verb", "adv")
_TRAINED_LEMMATIZERS = ("lemmatizer", "trainable_lemmatizer")
_NOT_NEEDED_FOR_LEMMAS = ("parser", "ner", "senter", "entity_ruler", "textcat", "textcat_multilabel")


def _data_lines(name: str) -> Iterator[str]:
    text = resources.files("fritekst").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


STOP_WORDS: frozenset[str] = frozenset(_data_lines("stopwords_nb.txt"))
"""Stop words for keyword extraction; see ``fritekst/data/stopwords_nb.txt`` for what and why."""


# --------------------------------------------------------------------------
# Choosing and loading the pipeline
# --------------------------------------------------------------------------


def models_dir() -> Path:
    """``$FRITEKST_MODELS_DIR``, else the ``models/`` folder beside the package."""
    env = os.environ.get("FRITEKST_MODELS_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "models"


def pipeline_setting(path: Path, name: str):
    """``[nlp] name`` (``lang``, ``pipeline``) of a pipeline's config.cfg, read without importing
    spaCy (which takes seconds with thinc and torch, and a re-run or report whose work is cached
    needs it for nothing else); None where the config is not a spaCy pipeline's."""
    import configparser

    config = configparser.ConfigParser(interpolation=None)
    try:
        config.read_string((path / "config.cfg").read_text(encoding="utf-8"))
        return json.loads(config.get("nlp", name))
    except Exception:  # a config.cfg that is not a spaCy pipeline's: not ours to load
        return None


def _is_package(name: str) -> bool:
    """An installed distribution named ``name`` (as ``spacy.util.is_package``, without spaCy)."""
    from importlib import metadata

    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def find_local_pipeline(directory: str | Path | None = None) -> Path | None:
    """A Norwegian spaCy pipeline directory in `directory` (default `models_dir()`).

    The directory itself counts if it holds a trained pipeline (``config.cfg``
    with ``lang = "nb"`` and ``meta.json``); otherwise its subdirectories are
    tried, ``nb_fritekst`` first, then by name, so the choice never depends on
    file-system order. Other models (embedders), pipelines of other languages and
    the training recipe (``models/recipe``: a config, no meta) are skipped.
    """
    root = Path(directory) if directory is not None else models_dir()
    if not root.is_dir():
        return None
    subdirs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: (p.name != PREFERRED_LOCAL, p.name))
    for candidate in (root, *subdirs):
        trained = (candidate / "config.cfg").is_file() and (candidate / "meta.json").is_file()
        if trained and pipeline_setting(candidate, "lang") == "nb":
            return candidate
    return None


def pipeline_source() -> str | Path:
    """What `load_pipeline` will load: a package name, a directory, or ``"blank"``."""
    for name in PACKAGES:
        if _is_package(name):
            return name
    local = find_local_pipeline()
    return local if local is not None else "blank"


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The Norwegian pipeline, loaded once per process (see the module docstring).

    The whole pipeline is loaded (NER included, for other uses); `lemmatise`
    switches off what lemmas do not need.
    """
    import spacy

    import fritekst.word_vectors  # noqa: F401  (registers the shipped pipeline's first component)

    source = pipeline_source()
    if source == "blank":
        return blank_pipeline()
    pipeline = spacy.load(source)
    _attach_cache(pipeline)
    return pipeline


_embedding_cache = None  # see use_embedding_cache


def use_embedding_cache(cache) -> None:
    """Let the pipeline's word-vector component (:mod:`fritekst.word_vectors`) keep the e5
    embeddings of the word forms it meets in ``cache`` (an ``EmbeddingCache``), so that the next
    process finds them there; the pipeline is not loaded for it."""
    global _embedding_cache
    _embedding_cache = cache
    if load_pipeline.cache_info().currsize:
        _attach_cache(load_pipeline())


def embedding_cache():
    """The ``EmbeddingCache`` :func:`use_embedding_cache` gave this process, or None."""
    return _embedding_cache


def _attach_cache(pipeline: Language) -> None:
    from fritekst.word_vectors import FACTORY

    if FACTORY in pipeline.pipe_names:
        pipeline.get_pipe(FACTORY).cache = _embedding_cache


def blank_pipeline() -> Language:
    """``spacy.blank("nb")`` with the Ordbank lookup lemmatiser added."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory(LOOKUP_LEMMATIZER):
        Language.factory(LOOKUP_LEMMATIZER, assigns=["token.lemma"], func=_make_lookup_lemmatizer)
    nlp = spacy.blank("nb")
    nlp.add_pipe(LOOKUP_LEMMATIZER)
    nlp.meta["name"] = "fritekst_blank_lookup"
    return nlp


class LookupLemmatizer:
    """Pipeline component: ``token.lemma_`` from `lemma_of`, no tagger needed."""

    def __call__(self, doc: Doc) -> Doc:
        table = lemma_table()
        for token in doc:
            token.lemma_ = lemma_of(token.lower_, table)
        return doc


def _make_lookup_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer()


# --------------------------------------------------------------------------
# The lemma table
# --------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _read_lookups(name: str) -> dict:
    """A spacy-lookups-data table, parsed once per process (read-only to its callers): the lemma
    table, the predicate lemmas and the privacy screen's common words all read Ordbank's, 1–2 s a
    parse, which was a tenth of a warm 1 000-answer run (bench/results/speed.md)."""
    path = resources.files("spacy_lookups_data").joinpath("data", name)
    return json.loads(gzip.decompress(path.read_bytes()))


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """Lower-case form -> lemma for Norwegian Bokmål (~590 000 forms), built once.

    spacy-lookups-data's ``nb_lemma_exc`` (Norsk Ordbank, CC BY 4.0) has one
    table per part of speech; without a tagger they are merged into one, a form
    taking its lemma from the first of `POS_PRIORITY` that lists it (within a
    table the first lemma listed), then from the small ``nb_lemma_lookup``
    (pronouns, determiners). ``fritekst/data/lemma_overrides_nb.txt`` wins over
    both, and stop words are kept from getting content-word lemmas. Takes
    about 1.5 s and 150 MB once per process; Nynorsk forms are mostly missing.
    """
    table: dict[str, str] = {}
    for line in _data_lines("lemma_overrides_nb.txt"):
        form, lemma = line.split()
        table[form.lower()] = lemma.lower()
    overridden = frozenset(table)
    exc = _read_lookups("nb_lemma_exc.json.gz")
    for pos in POS_PRIORITY:
        for form, lemmas in exc.get(pos, {}).items():
            key = form.lower()
            if key not in table:
                table[key] = lemmas[0].lower()
    small = {form.lower(): lemma.lower() for form, lemma in _read_lookups("nb_lemma_lookup.json.gz").items()}
    for form, lemma in small.items():
        table.setdefault(form, lemma)
    # Function words are not what the content-word tables are for: "vi" would
    # become the verb "vie", "seg" "sige". A stop word keeps a table lemma only
    # when that is a stop word too ("har" -> "ha", "oss" -> "vi").
    for word in STOP_WORDS - overridden:
        lemma = table.get(word)
        if lemma is not None and lemma not in STOP_WORDS:
            table[word] = small.get(word, word)
    return table


def ordbank_lemmas(forms: Iterable[str]) -> dict[str, str]:
    """The lemma :func:`lemma_table` gives each of ``forms`` it lists. Read from a copy of the
    table kept beside the embedding cache (:mod:`fritekst.kept`) unless this process built the
    table already: building it took 1.8 s of a warm re-run of 1 000 answers, which asks for a
    few hundred forms (:func:`fritekst.themes.keywords.lemma_spellings`)."""
    import sqlite3

    from fritekst.kept import kept_file

    forms = sorted(set(forms))
    kept = None if lemma_table.cache_info().currsize else kept_file(_kept_table_name(), _write_lemma_table)
    if kept is None:
        table = lemma_table()
        return {form: table[form] for form in forms if form in table}
    found: dict[str, str] = {}
    with closing(sqlite3.connect(f"{kept.as_uri()}?mode=ro", uri=True)) as db:
        for start in range(0, len(forms), 500):
            chunk = forms[start : start + 500]
            found.update(db.execute(f"SELECT form, lemma FROM lemma WHERE form IN ({','.join('?' * len(chunk))})", chunk))
    return found


def _kept_table_name() -> str:
    """Names what decides the table: Ordbank's version, the overrides, the stop words and this code."""
    import hashlib
    import inspect
    from importlib import metadata

    digest = hashlib.sha256(metadata.version("spacy-lookups-data").encode())
    for name in ("lemma_overrides_nb.txt", "stopwords_nb.txt"):
        digest.update(resources.files("fritekst").joinpath("data", name).read_bytes())
    digest.update(inspect.getsource(lemma_table).encode())
    return f"ordbank_lemmas-{digest.hexdigest()[:16]}.sqlite"


def _write_lemma_table(path: Path) -> None:
    import sqlite3

    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE lemma (form TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID")
        db.executemany("INSERT INTO lemma VALUES (?, ?)", sorted(lemma_table().items()))


@lru_cache(maxsize=1)
def _predicate_lemmas() -> frozenset[str]:
    """Kept beside the embedding cache (:mod:`fritekst.kept`): a warm re-run need not parse Ordbank."""
    from importlib import metadata

    from fritekst.kept import kept_words

    return kept_words(f"ordbank_predicates-{metadata.version('spacy-lookups-data')}.txt", _parsed_predicate_lemmas)


def _parsed_predicate_lemmas() -> frozenset[str]:
    exc = _read_lookups("nb_lemma_exc.json.gz")
    return frozenset(lemma.lower() for pos in ("adj", "verb", "adv") for lemmas in exc.get(pos, {}).values() for lemma in lemmas)


def is_noun_like(lemma: str) -> bool:
    """False for lemmas Ordbank lists as adjective, verb or adverb; True otherwise.

    Theme labels read best as nouns ("bolig", "tolk"); unknown words (compounds,
    names, Nynorsk) count as nouns, since most of them are.
    """
    return lemma not in _predicate_lemmas()


def lemma_of(form: str, table: dict[str, str] | None = None) -> str:
    """Lemma of a lower-case form; unknown forms come back unchanged.

    Two cheap fall-backs for forms Ordbank lacks: a hyphenated compound is
    lemmatised on its last part ("nav-kontoret" -> "nav-kontor"), and a genitive
    s is dropped when what remains is a known form ("kommunens" -> "kommune").
    """
    table = lemma_table() if table is None else table
    lemma = table.get(form)
    if lemma is not None:
        return lemma
    if form.endswith(("'s", "’s")):
        return lemma_of(form[:-2], table)
    head, dash, tail = form.rpartition("-")
    if head and tail and tail in table:
        return f"{head}{dash}{table[tail]}"
    if len(form) > 3 and form.endswith("s") and form[:-1] in table:
        return table[form[:-1]]
    return form


# --------------------------------------------------------------------------
# Lemmatising
# --------------------------------------------------------------------------


def _trained_lemmatizer(nlp: Language) -> bool:
    if LOOKUP_LEMMATIZER in nlp.pipe_names:
        return False
    return any(nlp.get_pipe_meta(name).factory in _TRAINED_LEMMATIZERS for name in nlp.pipe_names)


def _edit_tree_lemmatizer(nlp: Language) -> bool:
    return any(nlp.get_pipe_meta(name).factory == "trainable_lemmatizer" for name in nlp.pipe_names)


def _trained_lemma(token: Token, table: dict[str, str] | None) -> str:
    if table is not None and token.pos_ == "NOUN":
        known = table.get(token.lower_)
        if known is not None:
            return known
    return (token.lemma_ or token.text).lower()


def tagging_processes(n_texts: int) -> int:
    """Two processes for big inputs (the machines fritekst targets have 2 cores); starting a
    second one costs more than it saves below a few thousand texts."""
    return 2 if n_texts >= 4000 and (os.cpu_count() or 1) >= 2 else 1


_CHUNK = 1000  # texts per task for a worker process: small enough to share the work evenly

Progress = Callable[[int, int], None]
"""``on_progress(done, total)``: texts tagged so far, of how many."""


class Word(NamedTuple):
    """A token as the answer writes it, its lemma, and its universal part of speech ("" untagged)."""

    text: str
    lemma: str
    pos: str


# The texts the pipeline tagged last (one question's answers): keywords and theme labels read
# the same answers one after the other, and the pipeline runs over them once.
_LAST_TAGGED: dict = {}

# One Word object per distinct (form, lemma, part of speech) in this process. 100 000 two-sentence
# answers hold ~4.4 M tokens but only ~10⁵ distinct words; a tuple of three fresh strings per
# token took ~210 bytes, ~0.9 GB per copy of a question's tagged words (issue 18's 4 GB bound).
_WORDS: dict[tuple, Word] = {}


def _shared(words: Iterable[tuple]) -> list[Word]:
    """``words`` (Words, or (form, lemma, part of speech) rows from the cache) as shared Words."""
    out = []
    for row in words:
        word = _WORDS.get(row)
        if word is None:
            word = _WORDS[row] = Word(*row)
        out.append(word)
    return out


def _trained_words(texts: list[str], disable: list[str], ordbank_nouns: bool,
                   on_progress: Progress | None = None) -> list[list[Word]]:
    """`_words_of` for every text, a chunk at a time (``on_progress(done, total)`` after each), in
    worker processes for big inputs.

    Not ``nlp.pipe(n_process=…)``: spaCy's workers outlive a parent killed with SIGKILL, half a
    gigabyte each; those of :func:`fritekst.workers.process_pool` die with it. They also send
    back only (text, lemma, part of speech) triples, not whole Docs.
    """
    from contextlib import nullcontext

    from fritekst.workers import process_pool

    processes = tagging_processes(len(texts))
    if processes > 1 and ordbank_nouns:
        lemma_table()  # built once here, so that forked workers share it
    chunks = [texts[start:start + _CHUNK] for start in range(0, len(texts), _CHUNK)]
    out: list[list[Word]] = []
    with process_pool(processes) if processes > 1 else nullcontext() as pool:
        arguments = (_words_of, chunks, [disable] * len(chunks), [ordbank_nouns] * len(chunks))
        done = pool.map(*arguments) if pool else map(*arguments)
        for chunk in done:
            out += [_shared(words) for words in chunk]
            if on_progress:
                on_progress(len(out), len(texts))
    return out


def _words_of(texts: list[str], disable: list[str], ordbank_nouns: bool) -> list[list[Word]]:
    """Every non-space token as written, with its lemma in context by the trained pipeline and its
    part of speech; with ``ordbank_nouns`` a tagged noun Norsk Ordbank lists takes Ordbank's lemma."""
    nlp = load_pipeline()
    table = lemma_table() if ordbank_nouns else None
    return [[Word(t.text, _trained_lemma(t, table), t.pos_) for t in doc if not t.is_space]
            for doc in nlp.pipe(texts, disable=disable, batch_size=256)]


def _without_word_vector_component(nlp: Language):
    """The pipeline's word-vector component set aside (see :func:`_tagged`), or nothing to do."""
    from contextlib import nullcontext

    from fritekst.word_vectors import FACTORY

    return nlp.get_pipe(FACTORY).shipped_table_only() if FACTORY in nlp.pipe_names else nullcontext()


def _forms_and_lemmas(texts: Iterable[str], cache=None,
                      on_progress: Progress | None = None) -> Iterator[list[tuple[str, str]]]:
    """(lower-case form, lemma) for every non-space token of every text (see :func:`tagged_words`)."""
    for words in tagged_words(texts, cache, on_progress):
        yield [(word.text.lower(), word.lemma) for word in words]


def tagged_words(texts: Iterable[str], cache=None, on_progress: Progress | None = None) -> list[list[Word]]:
    """Every non-space token of every text as written, with its lemma and (from a trained
    pipeline; "" from the blank one) its part of speech. With ``cache`` (an ``EmbeddingCache``) a
    text this pipeline tagged before is read from it, and the others are kept in it, so that a
    re-run neither loads the pipeline nor tags an answer again. ``on_progress(done, total)``
    counts the texts the trained pipeline tags (tagging 100 000 answers takes minutes)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    if cache is None:
        return _tagged(texts, on_progress)
    from fritekst.embed.cache import text_key

    pipeline = pipeline_fingerprint()
    keys = {text: text_key(text) for text in texts}
    found = {key: _shared(words) for key, words in cache.get_lemmas(pipeline, list(dict.fromkeys(keys.values()))).items()}
    missing = [text for text in keys if keys[text] not in found]
    if missing:
        fresh = {keys[text]: words for text, words in zip(missing, _tagged(missing, on_progress))}
        cache.put_lemmas(pipeline, fresh)
        found.update(fresh)
    return [found[keys[text]] for text in texts]


# Part of the tag cache's key: raise it when _tagged gives other words for the same pipeline.
# 2: words carry their part of speech (labels read it), and tagging ignores earlier processes' forms.
_LEMMA_RULES = 2


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """What decides a text's tagged words, as a short string, without loading the pipeline:
    its source (a package and its version, or a directory's config and meta), spaCy's and the
    Ordbank tables' versions, fritekst's lemma overrides and stop words, and :data:`_LEMMA_RULES`."""
    import hashlib
    from importlib import metadata

    source = pipeline_source()
    digest = hashlib.sha256(f"{_LEMMA_RULES}".encode())
    if isinstance(source, Path):
        for name in ("config.cfg", "meta.json"):
            digest.update((source / name).read_bytes())
    elif source != "blank":
        digest.update(metadata.version(source).encode())
    for package in ("spacy", "spacy-lookups-data"):
        digest.update(metadata.version(package).encode())
    for name in ("lemma_overrides_nb.txt", "stopwords_nb.txt"):
        digest.update(resources.files("fritekst").joinpath("data", name).read_bytes())
    return f"{Path(str(source)).name}:{digest.hexdigest()[:16]}"


def _tagged(texts: list[str], on_progress: Progress | None = None) -> list[list[Word]]:
    """:func:`tagged_words` by the pipeline.

    A trained pipeline lemmatises in context (it tells "jobber" the verb from the noun and knows
    Nynorsk); that costs time: 60 s against 3 s for the lookup on 10 000 two-sentence answers,
    for SIB-200 ARI 0.408 -> 0.440 and 14.6 % -> 17.8 % of keyword forms merged on the example
    survey (``bench/results/keyword_lemmas*.md``). Lemmatising only the forms Ordbank lacks, one
    word at a time, was fast but worse than either (ARI 0.356).
    """
    nlp = load_pipeline()
    if _trained_lemmatizer(nlp):
        disable = [name for name in nlp.pipe_names if name in _NOT_NEEDED_FOR_LEMMAS]
        # Edit trees miss compound stems Norsk Ordbank knows ("introduksjonsprogrammet" ->
        # "introduksjonsprogramm"), so a tagged noun Ordbank lists takes Ordbank's lemma:
        # UD Bokmål dev nouns 0.927 -> 0.948 correct, Nynorsk unchanged (models/README.md).
        ordbank_nouns = _edit_tree_lemmatizer(nlp)
        from fritekst.word_vectors import FACTORY

        if FACTORY in nlp.pipe_names:
            # Embedding every new word form with e5 costs ~30 s per 10 000 answers, each run, for
            # lemmas 0.965 -> 0.970 on UD Bokmål dev (NER is what it is for): words outside the
            # table keep a zero vector here, as the pipeline without it (models/README.md).
            disable.append(FACTORY)
        unique = list(dict.fromkeys(texts))  # repeated answers are tagged once
        memo = _LAST_TAGGED.get(nlp)
        if memo is None or not all(text in memo for text in unique):
            with _without_word_vector_component(nlp):
                memo = dict(zip(unique, _trained_words(unique, disable, ordbank_nouns, on_progress)))
            _LAST_TAGGED.clear()
            _LAST_TAGGED[nlp] = memo
        return [memo[text] for text in texts]
    # Tokenizer plus a dict lookup: the blank pipeline's component does the
    # same, but the Doc round trip costs time on 100 000 answers.
    table = lemma_table()
    seen: dict[str, str] = {}
    out = []
    for doc in nlp.tokenizer.pipe(texts, batch_size=1000):
        words = []
        for token in doc:
            if token.is_space:
                continue
            form = token.lower_
            lemma = seen.get(form)
            if lemma is None:
                lemma = seen[form] = lemma_of(form, table)
            words.append((token.text, lemma, ""))
        out.append(_shared(words))
    return out


def lemmatise(texts: Iterable[str]) -> list[list[str]]:
    """Lower-case lemmas of every token (punctuation included) of every text.

    Uses the pipeline's own lemmas when it has a trained lemmatiser; otherwise
    only the tokenizer runs and forms go through `lemma_table`.
    """
    return [[lemma for _, lemma in pairs] for pairs in _forms_and_lemmas(texts)]


def keyword_slots(texts: Iterable[str], cache=None, on_progress: Progress | None = None) -> list[list[str | None]]:
    """Per token, its lemma if it may be a keyword (`is_keyword_token`, surface form not a
    stop word), else None; positions are kept so that adjacent keywords can form phrases.
    ``cache``: an ``EmbeddingCache`` that keeps each text's lemmas (`_forms_and_lemmas`)."""
    return [
        [lemma if is_keyword_token(lemma) and not is_stop_word(form) else None for form, lemma in pairs]
        for pairs in _forms_and_lemmas(texts, cache, on_progress)
    ]


def keyword_lemmas(texts: Iterable[str]) -> list[list[str]]:
    """Lemmas worth counting as keywords, in order (`keyword_slots` without the gaps)."""
    return [[lemma for lemma in slots if lemma] for slots in keyword_slots(texts)]


# --------------------------------------------------------------------------
# Stop words and keyword tokens
# --------------------------------------------------------------------------


def is_stop_word(token: str) -> bool:
    """`token`, lower-cased and without full stops at its ends, is in `STOP_WORDS`."""
    return token.lower().strip(".") in STOP_WORDS


_CONTACT = re.compile(r"@|^(?:https?:|www\.)", re.IGNORECASE)


@lru_cache(maxsize=1 << 17)  # ~750 000 calls for 10 000 answers, on a few ten thousand tokens
def is_keyword_token(token: str) -> bool:
    """True for a token that may be a keyword.

    It needs two letters or more (any alphabet: æøå, äöü, é), more letters than
    digits (so "2021" and "10kr" are out, "covid-19" is in), must not be a stop
    word, and must not look like an e-mail address or URL, which would leak
    contact details into theme labels.
    """
    letters = sum(1 for c in token if c.isalpha())
    if letters < 2:
        return False
    if sum(1 for c in token if c.isdigit()) >= letters:
        return False
    if _CONTACT.search(token):
        return False
    return not is_stop_word(token)
