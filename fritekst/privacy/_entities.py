"""Named entities from the Norwegian pipeline ``fritekst.nlp`` loads: person names for the
``spacy`` name detector, and places for a screen asked to mask them.

Places are optional because a municipality's name is what a report is about, and usually
harmless; in a survey of municipalities, though, "Tydal bosetter ikke flyktninger" names the
respondent. NorNE's place types are masked: GPE_LOC (a municipality or country as a place),
GPE_ORG (one acting as a body: "Levanger kommune") and LOC (other places); organisations (ORG:
NAV, Husbanken) are not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from fritekst.errors import InputError
from fritekst.privacy._identifiers import PLACE, Finding

PLACE_LABELS = ("GPE_LOC", "GPE_ORG", "LOC", "GPE")  # GPE: pipelines trained on OntoNotes-style labels


def spacy_ner_available() -> bool:
    """True when the pipeline ``fritekst.nlp`` would load has an entity recogniser: an
    installed ``nb_core_news_*`` has one, a directory under ``models/`` says so in its
    ``config.cfg``, the blank fallback has none. Reads the config, not the model."""
    from fritekst import nlp

    source = nlp.pipeline_source()
    if source == "blank":
        return False
    if isinstance(source, Path):
        import spacy

        if not (source / "meta.json").is_file():  # a training recipe, not a trained pipeline
            return False
        try:
            return "ner" in spacy.util.load_config(source / "config.cfg", interpolate=False)["nlp"]["pipeline"]
        except Exception:  # an unreadable config: fritekst.nlp will not load it either
            return False
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


def find_places(texts: Sequence[str]) -> list[list[Finding]]:
    """Places per text; refused where no pipeline with an entity recogniser is found, since
    masking nothing would look like masking done."""
    if not spacy_ner_available():
        raise InputError(
            "masking places needs a Norwegian pipeline with an entity recogniser "
            "(models/nb_fritekst or an installed nb_core_news_*); none was found",
            column="--mask-places",
        )
    return entity_findings(texts, PLACE_LABELS, PLACE)
