"""How common a category is, in the words the reports use: et fåtall, noen, flere, mange, majoriteten.

The cut-offs come from the Kommuneundersøkelsen reports (2015, 2019, 2021; ``../shared/seeds``),
where a word stands next to a percentage: "et fåtall (maksimalt 14 prosent)", "et fåtall
(3 prosent)", "få kommuner (17 prosent)", "en stor andel (37 prosent)", "majoriteten
(57 prosent)", "majoriteten (63 prosent)". So, as a share of those who answered:

=============  ==================
et fåtall      up to 15 %
noen           over 15, up to 25 %
flere          over 25, up to 35 %
mange          over 35, up to 50 %
majoriteten    over 50 %
=============  ==================

"noen", "flere" and "mange" never stand next to a number in the reports; they fill the gap
in that order. One or two respondents are named as a count ("én", "to"): "flere" of three
answers is a different claim than two. Change the cut-offs with :class:`Prevalence`.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prevalence:
    """``words[i]`` applies up to and including ``cuts[i]``; the last word above the last cut."""

    cuts: tuple[float, ...] = (0.15, 0.25, 0.35, 0.50)
    words: tuple[str, ...] = ("et fåtall", "noen", "flere", "mange", "majoriteten")
    counts: dict[int, str] = field(default_factory=lambda: {0: "ingen", 1: "én", 2: "to"})

    def __post_init__(self) -> None:
        if len(self.words) != len(self.cuts) + 1 or list(self.cuts) != sorted(self.cuts):
            raise ValueError("Prevalence needs one word more than cut-offs, and cut-offs in rising order")

    def word(self, count: int, total: int) -> str:
        """The word for ``count`` of ``total`` answers ("mange" for 45 of 120)."""
        if count in self.counts or total <= 0:
            return self.counts.get(count, "ingen")
        return self.words[bisect_left(self.cuts, count / total)]
