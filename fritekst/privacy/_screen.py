"""The screen every printed text passes: find personal data, mask it, say what was masked.

Only outputs are masked; answers in run directories and the store are never altered, so a
writer can always go back to the original by answer id. What was masked is reported by kind
("navn", "telefon"), never by value, since the note travels with the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from fritekst.errors import InputError
from fritekst.privacy._identifiers import IDENTIFIER_FINDERS, Finding
from fritekst.privacy._names import NameDetector, get_name_detectors
from fritekst.privacy._places import find_places, require_place_finder

MASK_STYLES = {
    "label": "[{kind}]",  # [navn], [telefon], [e-post], [fødselsnummer], [d-nummer], [adresse]
    "generic": "[fjernet]",
    "stars": "***",
}
DEFAULT_MASK_STYLE = "label"


def mask_template(style: str) -> str:
    """A style name from :data:`MASK_STYLES`, or a template of one's own with ``{kind}`` ("<{kind}>")."""
    template = MASK_STYLES.get(style, style)
    if style not in MASK_STYLES and "{kind}" not in style:
        raise InputError(
            f"unknown mask style {style!r}; choose {', '.join(MASK_STYLES)} or give a template with {{kind}}, e.g. '<{{kind}}>'",
            column="--mask-style",
        )
    return template


@dataclass(frozen=True)
class Masked:
    """A text as it may be printed, and the kinds of data masked in it (in text order)."""

    text: str
    kinds: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def summary(self) -> str:
        """What was masked, in Norwegian: "2 navn, telefon"."""
        counts = Counter(self.kinds)
        return ", ".join(f"{n} {kind}" if n > 1 else kind for kind, n in counts.items())


@dataclass(frozen=True)
class Screen:
    """Finds fødselsnummer/D-nummer, phone numbers, e-mail, addresses, person names and, if asked, places.

    Parameters
    ----------
    style : str
        How masked data is written: ``label`` (``[navn]``, default), ``generic``
        (``[fjernet]``), ``stars`` (``***``) or a template with ``{kind}``.
    names : str or tuple of str
        Name detectors by registered name: ``auto`` (every available one: the name list, and
        spaCy NER when a trained Norwegian pipeline is present), ``none``, or e.g. ``("list",)``.
    places : bool
        Also mask the places the entity recogniser finds, as ``[sted]`` (municipalities, towns,
        regions; not organisations): for surveys where a place names the respondent.

    >>> Screen().mask_one("Ring Kari på 912 34 567").text  # doctest: +SKIP
    'Ring [navn] på [telefon]'
    """

    style: str = DEFAULT_MASK_STYLE
    names: str | tuple[str, ...] = "auto"
    places: bool = False

    def __post_init__(self) -> None:
        mask_template(self.style)  # a bad style fails here, not on the first text with a name

    @cached_property
    def _template(self) -> str:
        return mask_template(self.style)

    @cached_property
    def _name_detectors(self) -> list[NameDetector]:
        return get_name_detectors(self.names)

    @cached_property
    def for_values(self) -> Screen:
        """The screen role and attribute values pass: this one without places (see
        :mod:`fritekst.privacy._values`), held so that its fingerprint is computed once."""
        return replace(self, places=False) if self.places else self

    @cached_property
    def value_masks(self) -> dict[str, Masked]:
        """Attribute and role values already screened (see :func:`fritekst.privacy.mask_values`):
        a report prints the same few values in every table and beside every quote."""
        return {}

    @cached_property
    def fingerprint(self) -> str:
        """What decides this screen's findings in a text, as a short string: the detectors it uses
        and their code, the lists they read (names, municipalities, Ordbank's version) and, when
        the entity recogniser is among them, the pipeline and embedder it runs on."""
        import hashlib
        import inspect
        from importlib import metadata, resources
        from pathlib import Path

        from fritekst import nlp

        detectors = sorted(getattr(d, "name", type(d).__qualname__) for d in self._name_detectors)
        digest = hashlib.sha256(repr((detectors, self.places)).encode())
        modules = {Path(inspect.getfile(type(d))) for d in self._name_detectors} | set(Path(__file__).parent.glob("*.py"))
        for path in sorted(modules):
            digest.update(path.read_bytes())
        for name in ("first_names_nb.txt", "surnames_nb.txt", "municipalities_no.txt"):
            digest.update(resources.files("fritekst").joinpath("data", name).read_bytes())
        digest.update(metadata.version("spacy-lookups-data").encode())
        if self.places or "spacy" in detectors:
            from fritekst.embed.e5 import E5SmallEmbedder  # the word vectors' e5: its build and weights

            digest.update(resources.files("fritekst").joinpath("word_vectors.py").read_bytes())  # not imported: spaCy
            digest.update(f"{nlp.pipeline_fingerprint()} e5={E5SmallEmbedder().version}".encode())
        return f"{'+'.join(detectors) or 'none'}{'+places' if self.places else ''}:{digest.hexdigest()[:16]}"

    def find(self, texts: Sequence[str], cache=None) -> list[list[Finding]]:
        """Non-overlapping findings per text, in text order. ``cache`` (an ``EmbeddingCache``) keeps
        each text's findings under the screen's :attr:`fingerprint`, for texts an erasure forgets
        (answers and segments; a respondent's role and attribute values; theme labels an erasure
        changes): the entity recogniser was most of a report's time, over quotes, values and
        labels earlier reports had masked already."""
        from fritekst.embed.cache import text_key

        texts = list(texts)
        if self.places:
            require_place_finder()  # also when every text's findings come from the cache
        if cache is None:
            return self._find(texts)
        keys = {text: text_key(text) for text in texts}
        found = {key: [Finding(*span) for span in spans]
                 for key, spans in cache.get_findings(self.fingerprint, list(dict.fromkeys(keys.values()))).items()}
        missing = [text for text in keys if keys[text] not in found]
        if missing:
            fresh = {keys[text]: spans for text, spans in zip(missing, self._find(missing))}
            cache.put_findings(self.fingerprint, {key: [(s.start, s.end, s.kind) for s in spans] for key, spans in fresh.items()})
            found.update(fresh)
        return [list(found[keys[text]]) for text in texts]

    def _find(self, texts: list[str]) -> list[list[Finding]]:
        found = [[f for finder in IDENTIFIER_FINDERS for f in finder(text)] for text in texts]
        for detector in self._name_detectors:
            for spans, names in zip(found, detector.find(texts)):
                spans.extend(names)
        if self.places:
            for spans, places in zip(found, find_places(texts)):
                spans.extend(places)
        return [_without_overlaps(spans) for spans in found]

    def mask(self, texts: Sequence[str], cache=None) -> list[Masked]:
        """Each text masked; ``cache`` as for :meth:`find`."""
        texts = list(texts)
        return [self._apply(text, spans) for text, spans in zip(texts, self.find(texts, cache))]

    def mask_one(self, text: str) -> Masked:
        return self.mask([text])[0]

    def _apply(self, text: str, spans: list[Finding]) -> Masked:
        parts, position = [], 0
        for span in spans:
            parts += [text[position : span.start], self._template.format(kind=span.kind)]
            position = span.end
        parts.append(text[position:])
        return Masked("".join(parts), tuple(span.kind for span in spans))


def _without_overlaps(spans: list[Finding]) -> list[Finding]:
    """Overlapping spans become one, with the kind of the one that starts first (the longer
    on a tie): masking the union never lets part of an identifier through."""
    merged: list[Finding] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(last.start, max(last.end, span.end), last.kind)
        else:
            merged.append(span)
    return merged
