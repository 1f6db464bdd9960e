"""The counts behind every table: respondents and coded units per category, split by role,
attribute and wave. Functions of the segment table (``assignments.csv`` or the store's
equivalent), one question at a time; nothing here formats numbers or writes files.

Counting rules (the README's "Reports and quotes" repeats them):

- A respondent *answered* when at least one segment says something; an answer that is only
  "vet ikke", "-" and the like is a *non-answer*, counted apart; an empty cell is neither.
- A *coded unit* is one (segment, category) pair: every code in ``codes`` counts (the
  model's further suggestions too), so one answer with two themes gives two units, as the
  2015 report's "158 kommuner ga om lag 200 råd".
- A category's *respondents* are the answering respondents with at least one unit in it;
  its *share* is that over everyone who answered (in the group). Answers without any code
  (below the model's confidence threshold and not yet seen by a coder) are shown as
  "Ikke kodet", so the shares can be checked to add up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from fritekst.codebook import NON_ANSWER_CODE, Codebook
from fritekst.report._prevalence import Prevalence

NOT_CODED = "ikke_kodet"
NOT_CODED_LABEL = "Ikke kodet"
EXCLUDED_CODES = frozenset({NON_ANSWER_CODE})  # non-answers are counted apart, never as a category
MISSING_GROUP = "(mangler)"


@dataclass(frozen=True)
class Table:
    """A table as data: raw values in ``frame`` and, per column, how to show them
    (``text``, ``count``, ``share``, ``change`` in percentage points, or ``count_share``:
    an ``(n, share)`` pair, or None when suppressed)."""

    name: str  # short, for an Excel sheet
    title: str
    frame: pd.DataFrame
    kinds: Mapping[str, str]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Labels:
    """Category id -> label and the label of its group (parent), from the codebook."""

    label: Mapping[str, str] = field(default_factory=dict)
    group: Mapping[str, str] = field(default_factory=dict)
    order: Sequence[str] = ()

    @classmethod
    def from_codebook(cls, codebook: Codebook | None) -> Labels:
        if codebook is None:
            return cls()
        categories = codebook.with_special_categories().categories
        labels = {c.id: c.label for c in categories}
        return cls(labels, {c.id: labels.get(c.parent, "") if c.parent else "" for c in categories}, [c.id for c in categories])

    def of(self, category: str) -> str:
        return NOT_CODED_LABEL if category == NOT_CODED else self.label.get(category, category)

    def rank(self, category: str) -> int:
        return self.order.index(category) if category in self.order else len(self.order)


def group_order(values) -> list:
    """Groups in reading order: "Under 5 000", "5 000–20 000", "Over 20 000"; numbers as numbers."""
    def key(value):
        text = str(value).strip().lower()
        digits = re.findall(r"\d+", re.sub(r"(?<=\d)[\s\u00a0](?=\d{3})", "", text))
        rank = 0 if text.startswith(("under", "mindre enn", "færre enn")) else 2 if text.startswith(("over", "mer enn", "flere enn")) else 1
        return (text == MISSING_GROUP, rank, float(digits[0]) if digits else float("inf"), text)

    return sorted(values, key=key)


def role_order(answered: pd.Series, first: Sequence[str] = ()) -> list:
    """Roles (the index of ``answered``, respondents who answered per role) in the order a report
    names them: those in ``first`` as given (without regard to case), then by how many answered,
    most first, ties alphabetically, a missing role last. The seed reports name roles in the
    survey's own order ("25 kommunedirektører og 59 integreringsansvarlige"); without one, the
    largest group first is an order a reader can see the reason for, where A–Z is an accident."""
    rank = {role.strip().lower(): i for i, role in enumerate(first)}
    return sorted(answered.index, key=lambda role: (role == MISSING_GROUP, rank.get(str(role).strip().lower(), len(rank)),
                                                    -answered[role], str(role)))


def respondents(segments: pd.DataFrame, columns: Sequence[str] = ()) -> pd.DataFrame:
    """One row per respondent of one question: ``id``, ``answered``, ``non_answer`` and
    ``columns`` (role, wave, attributes) as the respondent's first segment has them."""
    groups = segments.groupby("id", sort=False)
    people = groups[["non_answer", "blank"]].all()
    people["answered"] = ~people["non_answer"]
    people["non_answer"] = people["non_answer"] & ~people["blank"]
    for column in columns:
        people[column] = groups[column].first().replace("", MISSING_GROUP)
    return people.reset_index()


def coded_units(segments: pd.DataFrame) -> pd.DataFrame:
    """``id, segment, category``: one row per code of every segment that says something."""
    rows = segments[~segments["non_answer"]]
    codes = rows["codes"].where(rows["codes"] != "", rows["code_id"]) if "codes" in rows else rows["code_id"]
    units = rows[["id", "segment"]].assign(category=codes.str.split(";")).explode("category")
    units = units[units["category"].ne("") & ~units["category"].isin(EXCLUDED_CODES)]
    return units.drop_duplicates(["id", "segment", "category"]).reset_index(drop=True)


def category_counts(segments: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """``category, label, group, respondents, units, share`` for the categories used, most
    respondents first, then "Ikke kodet"; ``share`` is over all who answered."""
    people = respondents(segments)
    answered = set(people.loc[people["answered"], "id"])
    units = coded_units(segments)
    units = units[units["id"].isin(answered)]
    counts = units.groupby("category").agg(respondents=("id", "nunique"), units=("id", "size")).reset_index()
    counts["rank"] = counts["category"].map(labels.rank)
    counts = counts.sort_values(["respondents", "rank"], ascending=[False, True])
    not_coded = len(answered - set(units["id"]))
    if not_coded:
        counts = pd.concat([counts, pd.DataFrame([{"category": NOT_CODED, "respondents": not_coded, "units": 0}])])
    counts["label"] = counts["category"].map(labels.of)
    counts["group"] = counts["category"].map(lambda c: labels.group.get(c, ""))
    counts["share"] = counts["respondents"] / len(answered) if answered else 0.0
    return counts[["category", "label", "group", "respondents", "units", "share"]].reset_index(drop=True)


def category_table(segments: pd.DataFrame, labels: Labels, prevalence: Prevalence) -> Table:
    counts = category_counts(segments, labels)
    answered = int(respondents(segments)["answered"].sum())
    frame = pd.DataFrame({
        "Kategori": counts["label"],
        "Gruppe": counts["group"],
        "Respondenter": counts["respondents"],
        "Andel": counts["share"],
        "Kodede utsagn": counts["units"],
        "Omfang": [prevalence.word(n, answered) if c != NOT_CODED else "" for c, n in zip(counts["category"], counts["respondents"])],
    })
    kinds = {"Kategori": "text", "Gruppe": "text", "Respondenter": "count", "Andel": "share", "Kodede utsagn": "count", "Omfang": "text"}
    notes = (f"Andel av de {answered} som besvarte spørsmålet. Ett svar kan høre til flere kategorier; "
             "da teller det én gang per kategori, og hver kode er et kodet utsagn.",)
    if not counts["group"].astype(bool).any():
        frame = frame.drop(columns="Gruppe")
    return Table("Kategorier", "Kategorier", frame, kinds, notes)


def theme_table(segments: pd.DataFrame, themes: pd.DataFrame, screen=None) -> Table | None:
    """The themes fritekst found in one question's answers (``themes``: its rows of themes.csv),
    sub-themes under their broad theme as the seed reports write headings in two levels
    (decision 021): a broad theme's row counts the answers in it, its sub-themes' rows (below,
    in «Undertema») the answers in each. None when the answers carry no themes.

    Counted per respondent who answered, so a broad theme's count is that of its sub-themes
    added up unless one answer's segments fall in two of them (then it counts once above).
    Labels are words from the answers, so a report's ``screen`` (:class:`fritekst.privacy.Screen`)
    masks them as it masks quotes."""
    if themes.empty or "theme_id" not in segments:
        return None
    themes = themes.sort_values("theme_id")
    parent = themes["parent_theme"] if "parent_theme" in themes else themes["theme_id"]
    parent = parent.fillna(themes["theme_id"]).astype(int).to_numpy()
    parent_label = themes["parent_label"].fillna(themes["label"]) if "parent_label" in themes else themes["label"]
    people = respondents(segments)
    answered = set(people.loc[people["answered"], "id"])
    said = segments[~segments["non_answer"] & segments["id"].isin(answered)]
    members = said.groupby(said["theme_id"].astype(int))["id"].agg(set)
    rows = []
    for broad in dict.fromkeys(parent):
        children = themes[parent == broad]
        label = parent_label[parent == broad].iloc[0]
        ids = set().union(*(members.get(int(t), set()) for t in children["theme_id"]))
        rows.append((label, "", len(ids)))
        if len(children) > 1:  # a broad theme left whole is one row of themes.csv, whatever its id
            rows += [("", child.label, len(members.get(int(child.theme_id), set()))) for child in children.itertuples()]
    frame = pd.DataFrame(rows, columns=["Tema", "Undertema", "Svar"])
    if screen is not None:  # findings kept in the process's cache, as for quotes; an erasure forgets labels it changes
        from fritekst.nlp import embedding_cache

        for column in ("Tema", "Undertema"):
            frame[column] = [masked.text for masked in screen.mask(frame[column].tolist(), cache=embedding_cache())]
    frame["Andel"] = frame["Svar"] / len(answered) if answered else 0.0
    notes = (f"Temaene fritekst fant i svarene, ikke kodet av noen. Andel av de {len(answered)} som besvarte "
             "spørsmålet; et tema teller svarene i undertemaene sine, et svar med deler i to undertemaer én gang.",)
    if not frame["Undertema"].astype(bool).any():
        frame = frame.drop(columns="Undertema")
    kinds = {column: kind for column, kind in
             {"Tema": "text", "Undertema": "text", "Svar": "count", "Andel": "share"}.items() if column in frame}
    return Table("Temaer", "Temaer funnet i svarene", frame, kinds, notes)


def split_counts(segments: pd.DataFrame, column: str, groups: Sequence | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Respondents per category and group (``category × group``), and who answered per group;
    groups in the order ``groups`` gives (default :func:`group_order`)."""
    people = respondents(segments, [column])
    answering = people[people["answered"]]
    base = answering.groupby(column).size()
    base = base.reindex(group_order(base.index) if groups is None else groups)
    units = coded_units(segments).merge(answering[["id", column]], on="id")
    counts = units.groupby(["category", column])["id"].nunique().unstack(fill_value=0)
    return counts.reindex(columns=base.index, fill_value=0), base


def split_table(
    segments: pd.DataFrame, column: str, heading: str, labels: Labels, small_cell: int = 5, suppress: bool = False,
    groups: Sequence | None = None, order: Sequence[str] | None = None,
) -> Table:
    """Categories by the groups of ``column`` (role, size band …), as "n (share)" per group,
    groups in the order ``groups`` gives (default :func:`group_order`), categories in ``order``
    (default that of :func:`category_counts` on ``segments``: a report counts once per question
    for all its splits).

    A group where fewer than ``small_cell`` answered is marked with * (or, with ``suppress``,
    left blank): its shares move by 20 points or more with one answer.
    """
    counts, base = split_counts(segments, column, groups)
    order = category_counts(segments, labels)["category"] if order is None else order
    counts = counts.reindex([c for c in order if c in counts.index])
    frame = pd.DataFrame({"Kategori": [labels.of(c) for c in counts.index]})
    kinds = {"Kategori": "text"}
    small = [group for group in base.index if base[group] < small_cell]
    for group in base.index:
        name = f"{group} (N = {base[group]})" + ("*" if group in small else "")
        values = [None if (group in small and suppress) else (int(n), n / base[group]) for n in counts[group]]
        frame[name] = values
        kinds[name] = "count_share"
    notes = []
    if small:
        shown = "er holdt utenfor" if suppress else "er merket med *; tallene er usikre"
        notes.append(f"Grupper der færre enn {small_cell} besvarte spørsmålet {shown}.")
    return Table(heading[:31], f"Etter {heading.lower()}", frame, kinds, tuple(notes))


def wave_table(segments: pd.DataFrame, labels: Labels, small_cell: int = 5) -> Table | None:
    """Share per category in each wave and the change from the wave before the latest, in
    percentage points; None with fewer than two waves."""
    if "wave" not in segments or segments["wave"].astype(str).replace("", pd.NA).dropna().nunique() < 2:
        return None
    segments = segments.assign(wave=segments["wave"].astype(str))
    counts, base = split_counts(segments[segments["wave"] != ""], "wave")
    waves = list(base.index)
    order = category_counts(segments, labels)["category"]
    counts = counts.reindex([c for c in order if c in counts.index])
    frame = pd.DataFrame({"Kategori": [labels.of(c) for c in counts.index]})
    kinds = {"Kategori": "text"}
    for wave in waves:
        name = f"{wave} (N = {base[wave]})" + ("*" if base[wave] < small_cell else "")
        frame[name] = [(int(n), n / base[wave]) for n in counts[wave]]
        kinds[name] = "count_share"
    previous, latest = waves[-2], waves[-1]
    frame[f"Endring {previous}–{latest}"] = ((counts[latest] / base[latest] - counts[previous] / base[previous]) * 100).to_numpy()
    kinds[f"Endring {previous}–{latest}"] = "change"
    notes = ("Endring i prosentpoeng i andelen som nevner kategorien, av dem som besvarte spørsmålet i hver runde.",)
    return Table("Endring over tid", f"Endring fra {previous} til {latest}", frame, kinds, notes)
