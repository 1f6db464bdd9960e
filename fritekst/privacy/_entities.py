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


def entity_findings(
    texts: Sequence[str], labels: Sequence[str], kind: str, keep: Callable[[str], bool] = lambda text: True
) -> list[list[Finding]]:
    """Spans of entities with one of ``labels`` (and ``keep(text)``), as findings of ``kind``."""
    from fritekst.nlp import load_pipeline

    pipeline = load_pipeline()
    if "ner" not in pipeline.pipe_names:
        return [[] for _ in texts]
    return [
        [Finding(ent.start_char, ent.end_char, kind) for ent in doc.ents if ent.label_ in labels and keep(ent.text)]
        for doc in pipeline.pipe(texts)
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
