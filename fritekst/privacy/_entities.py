"""Named entities from the Norwegian pipeline ``fritekst.nlp`` loads, one pass per batch of
texts: person names for the ``spacy`` name detector, places for a screen asked to mask them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from fritekst.privacy._identifiers import Finding


def spacy_ner_available() -> bool:
    """True when the pipeline ``fritekst.nlp`` would load has an entity recogniser: an
    installed ``nb_core_news_*`` has one, a directory under ``models/`` says so in its
    ``config.cfg``, the blank fallback has none. Reads the config, not the model."""
    from fritekst import nlp

    source = nlp.pipeline_source()
    if source == "blank":
        return False
    if isinstance(source, Path):
        if not (source / "meta.json").is_file():  # a training recipe, not a trained pipeline
            return False
        return "ner" in (nlp.pipeline_setting(source, "pipeline") or ())  # unreadable: nlp will not load it either
    return True


@lru_cache(maxsize=4)
def _entities(pipeline, texts: tuple[str, ...]) -> tuple[tuple[tuple[int, int, str, str], ...], ...]:
    """(start, end, label, text) of every entity, per text. Cached for the last few batches: a
    screen's name detector and place finder read the same texts, and the pipeline is its
    slowest part."""
    if "ner" not in pipeline.pipe_names:
        return tuple(() for _ in texts)
    return tuple(
        tuple((ent.start_char, ent.end_char, ent.label_, ent.text) for ent in doc.ents) for doc in pipeline.pipe(texts)
    )


def entity_findings(
    texts: Sequence[str], labels: Sequence[str], kind: str, keep: Callable[[str], bool] = lambda text: True
) -> list[list[Finding]]:
    """Spans of entities with one of ``labels`` (and ``keep(text)``), as findings of ``kind``."""
    from fritekst.nlp import load_pipeline

    return [
        [Finding(start, end, kind) for start, end, label, text in entities if label in labels and keep(text)]
        for entities in _entities(load_pipeline(), tuple(texts))
    ]
