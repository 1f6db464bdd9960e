"""The report as data: what the renderers (Markdown, DOCX, Excel) print, already counted,
worded and masked, so that the three formats cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fritekst.quotes import QuoteConfig
from fritekst.report._prevalence import Prevalence
from fritekst.report._tables import Table


@dataclass(frozen=True)
class ReportConfig:
    """What a report covers and how it words things.

    Parameters
    ----------
    wave : str or None
        The wave the report describes; None: the latest; ``"all"``: every wave together.
        The wave comparison always uses every wave.
    by : tuple of str or None
        Attribute columns to split by; None: every attribute with 2–8 values (size band,
        region …; not kommune, which has one respondent per value).
    small_cell : int
        Groups where fewer answered are flagged (``suppress_small``: left out).
    quotes : QuoteConfig
        How many quotes per category (``k``, 2 by default) and how they are chosen.
    mask_style, names : str
        Passed to :class:`fritekst.privacy.Screen`.
    mask_places : bool
        Mask places in quotes too (``Screen(places=True)``).
    role_forms : dict
        Role -> (singular, plural, definite plural), for roles the built-in rules get wrong.
    role_order : tuple of str
        Roles to name first, in this order (the survey's own, as the IMDi reports name
        kommunedirektørene first); the rest follow by how many answered, most first.
    """

    wave: str | None = None
    by: tuple[str, ...] | None = None
    small_cell: int = 5
    suppress_small: bool = False
    prevalence: Prevalence = field(default_factory=Prevalence)
    quotes: QuoteConfig = field(default_factory=lambda: QuoteConfig(k=2))
    mask_style: str = "label"
    names: str | tuple[str, ...] = "auto"
    mask_places: bool = False
    role_forms: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    role_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategorySection:
    """One category's paragraph: how common, by role, over time, and its quotes (masked)."""

    category: str
    label: str
    group: str
    sentence: str
    roles_sentence: str
    wave_sentence: str
    quotes: pd.DataFrame
    quote_note: str = ""  # why there are fewer quotes than asked for


@dataclass(frozen=True)
class QuestionReport:
    question: str
    question_text: str
    wave: str | None
    who: str
    answered: int
    non_answers: int
    categories: Table
    by_role: Table | None
    splits: tuple[Table, ...]
    waves: Table | None
    sections: tuple[CategorySection, ...]
    notes: tuple[str, ...] = ()
    themes: Table | None = None  # the themes found, sub-themes under their broad theme

    @property
    def tables(self) -> list[Table]:
        return [t for t in (self.categories, self.by_role, *self.splits, self.waves, self.themes) if t is not None]

    @property
    def masked(self) -> list[tuple[str, str]]:
        """(answer id, what was masked) for every printed quote that had personal data."""
        return [(str(q["id"]), q["masked"]) for s in self.sections for _, q in s.quotes.iterrows() if q["masked"]]


@dataclass(frozen=True)
class Report:
    title: str
    questions: tuple[QuestionReport, ...]
    config: ReportConfig
