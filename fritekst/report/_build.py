"""Assemble a :class:`Report` from the segment table: counts, wording, wave comparison, quotes.

Takes plain data (the segments, the codebook, an embed function), so a run directory today
and the store later can feed it alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fritekst.codebook import Codebook
from fritekst.coding import NEEDS_CODER, codes_today
from fritekst.errors import InputError
from fritekst.names import suggest
from fritekst.privacy import Screen, screen_columns
from fritekst.quotes import Embed, UsedQuotes, quotes_for
from fritekst.results import group_attributes
from fritekst.report._model import CategorySection, QuestionReport, Report, ReportConfig
from fritekst.report._tables import (
    NOT_CODED,
    Labels,
    category_counts,
    category_table,
    respondents,
    role_order,
    split_counts,
    split_table,
    theme_table,
    wave_table,
)
from fritekst.report._words import category_sentence, roles_sentence, who_answered
from fritekst.report._numbers import format_change, format_percent
from fritekst.xml_text import xml_table


def build_report(
    segments: pd.DataFrame,
    embed: Embed,
    *,
    codebook: Codebook | None = None,
    questions: Sequence[str] | None = None,
    attributes: Sequence[str] = (),
    config: ReportConfig = ReportConfig(),
    used: UsedQuotes = UsedQuotes(),
    title: str | None = None,
    themes: pd.DataFrame | None = None,
) -> Report:
    """The report for ``questions`` (default: all) of a segment table with code columns;
    ``themes`` (a run's themes.csv) adds each question's themes, sub-themes under broad ones.

    Characters XML cannot hold are dropped from the segments first: a run or store made before
    the survey reader dropped them may still have them, and Word and Excel refuse the report."""
    segments = xml_table(segments)
    if "code_id" not in segments:
        raise InputError("the answers have no codes; run `fritekst run … --codebook FILE` first")
    known = list(dict.fromkeys(segments["question"]))
    for question in questions or ():
        if question not in known:
            raise InputError(f"no question {question!r}; {suggest(question, known, 'questions')}", column="--question")
    segments, notes, unmapped = harmonised(segments, codebook)
    screen = Screen(style=config.mask_style, names=config.names, places=config.mask_places)
    segments, attributes, withheld = printable_columns(segments, attributes, config.by, screen)
    notes += withheld
    labels = Labels.from_codebook(codebook)
    reports = tuple(
        _question_report(segments[segments["question"] == q], q, embed, labels, attributes, config, screen, used,
                         notes + needs_coder_note(segments[segments["question"] == q], unmapped, labels),
                         None if themes is None else themes[themes["question"] == q])
        for q in (questions or known)
    )
    return Report(title or (codebook.name if codebook else "Åpne svar"), reports, config)


def printable_columns(
    segments: pd.DataFrame, attributes: Sequence[str], by: Sequence[str] | None, screen: Screen
) -> tuple[pd.DataFrame, list[str], tuple[str, ...]]:
    """Roles and attributes as a report may print them: values with personal data masked, and
    columns that mostly hold it (e-mail addresses, names) withheld with a note for the reader.

    Returns ``(segments, attributes left, notes)``; splitting by a withheld column (``--by``)
    is refused: a table headed by respondents' e-mail addresses is no split."""
    segments, refused = screen_columns(segments, ["role", *attributes], screen)
    for column in by or ():
        if column in refused:
            raise InputError(f"attribute {column!r} holds personal data ({refused[column]}) in most of its values, "
                             "so the report does not split by it; leave it out of --by", column="--by")
    notes = tuple(
        f"Rollene inneholder personopplysninger ({what}) og er ikke vist." if column == "role" else
        f"Kolonnen «{column}» inneholder personopplysninger ({what}) og er verken brukt i tabellene eller vist ved sitatene."
        for column, what in refused.items()
    )
    return segments, [a for a in attributes if a not in refused], notes


def harmonised(segments: pd.DataFrame, codebook: Codebook | None) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """Codes from earlier codebook versions counted under today's ids (:func:`codes_today`), so
    waves compare on one set of categories; answers whose category was split or retired without
    successor are counted under no category and flagged ``needs_coder`` (see
    :func:`needs_coder_note`). Returns the segments, a note when codes were mapped, and the ids
    that could not be."""
    mapped, unmapped = codes_today(segments, codebook)
    if codebook is not None and codebook.levels > 2:
        mapped = _rolled_up(mapped, codebook)
    changed = any(not mapped[c].equals(segments[c]) for c in ("code_id", "codes") if c in segments)
    if not changed:
        return mapped, (), unmapped
    return mapped, (f"Kodene fra eldre kodebokversjoner er ført over til versjon {codebook.version} av kodeboken.",), unmapped


def _rolled_up(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Codes deeper than two levels (a tree from NVivo) counted under their second-level
    ancestor, as the report's tables have two levels."""
    def up(codes: str) -> str:
        return ";".join(dict.fromkeys(codebook.reported_as(code) for code in codes.split(";") if code))

    columns = {"code_id": segments["code_id"].map(up)}
    if "codes" in segments:
        columns["codes"] = segments["codes"].map(up)
    return segments.assign(**columns)


def needs_coder_note(segments: pd.DataFrame, unmapped: tuple[str, ...], labels: Labels) -> tuple[str, ...]:
    """How many answers of one question wait for a coder because their category was split or
    retired, and which categories: a reader must know they are missing from the counts."""
    waiting = segments[segments[NEEDS_CODER]] if NEEDS_CODER in segments else segments.iloc[:0]
    if waiting.empty:
        return ()
    named = f" ({', '.join(f'«{labels.of(c)}»' for c in unmapped)})" if unmapped else ""
    waves = sorted({str(w) for w in waiting["wave"].dropna() if str(w)}) if "wave" in waiting else []
    when = f" fra {' og '.join(waves)}" if waves else ""
    return (f"{waiting['id'].nunique()} svar{when} er kodet med kategorier som siden er delt eller lagt ned{named}. "
            "De må kodes på nytt og er ikke talt med under noen kategori.",)


def described_wave(segments: pd.DataFrame, wave: str | None) -> str | None:
    """The wave a report describes: the one asked for, else the latest; None for all waves."""
    if "wave" not in segments or wave == "all":
        return None
    waves = sorted(w for w in segments["wave"].astype(str).unique() if w)
    if wave is None:
        return waves[-1] if waves else None
    if wave not in waves:
        raise InputError(f"no wave {wave!r}; the waves are {', '.join(waves)}", column="--wave")
    return wave


def split_columns(segments: pd.DataFrame, attributes: Sequence[str], by: Sequence[str] | None) -> list[str]:
    """The attributes to split by: ``by``, or those with 2–8 values among the answers (one
    group is no split; more than eight is a list of municipalities, not a table)."""
    if by is not None:
        for column in by:
            if column not in segments:
                raise InputError(f"no attribute {column!r}; {suggest(column, list(attributes), 'attributes')}", column="--by")
        return list(by)
    return [a for a in group_attributes(segments, attributes) if segments[a].replace("", pd.NA).nunique() >= 2]


def _question_report(all_waves, question, embed, labels, attributes, config, screen, used, notes, themes) -> QuestionReport:
    wave = described_wave(all_waves, config.wave)
    segments = all_waves if wave is None else all_waves[all_waves["wave"].astype(str) == wave]
    has_roles = "role" in segments and segments["role"].ne("").any()
    people = respondents(segments, ["role"] if has_roles else [])
    answering = people[people["answered"]]
    if has_roles:
        by_role = answering.groupby("role").size()
        roles = role_order(by_role, config.role_order)
        by_role = by_role.reindex(roles)
    else:
        roles, by_role = None, pd.Series({"": len(answering)})
    text = segments["question_text"].iloc[0] if "question_text" in segments and len(segments) else ""
    order = list(category_counts(segments, labels)["category"])
    by_role_table = split_table(segments, "role", "Rolle", labels, config.small_cell, config.suppress_small, roles,
                                order) if has_roles else None
    splits = tuple(
        split_table(segments, column, column.replace("_", " ").capitalize(), labels, config.small_cell, config.suppress_small,
                    order=order)
        for column in split_columns(segments[~segments["non_answer"]], attributes, config.by)
    )
    waves = wave_table(all_waves, labels, config.small_cell)
    sections = _sections(segments, all_waves, embed, labels, attributes, config, screen, used, roles)
    return QuestionReport(
        question=question,
        question_text="" if text == question else text,
        wave=wave,
        who=who_answered(by_role.to_dict(), int(people["non_answer"].sum()), config.role_forms),
        answered=len(answering),
        non_answers=int(people["non_answer"].sum()),
        categories=category_table(segments, labels, config.prevalence),
        by_role=by_role_table,
        splits=splits,
        waves=waves,
        sections=sections,
        notes=notes,
        themes=None if themes is None else theme_table(segments, themes, screen),
    )


def _sections(segments, all_waves, embed, labels, attributes, config, screen, used, roles) -> tuple[CategorySection, ...]:
    counts = category_counts(segments, labels)
    answered = int(respondents(segments)["answered"].sum())
    role_counts, role_base = split_counts(segments, "role", roles) if roles is not None else (None, None)
    wave_shares = _wave_shares(all_waves)
    sections = []
    for row in counts.itertuples():
        if row.category == NOT_CODED:
            continue
        roles = [] if role_counts is None else [
            (role, int(role_counts.at[row.category, role]) if row.category in role_counts.index else 0, int(n), n < config.small_cell)
            for role, n in role_base.items()
        ]
        quotes, rejects = quotes_for(segments, embed, category=row.category, attributes=attributes, config=config.quotes,
                                     screen=screen, used=used)
        sections.append(CategorySection(
            category=row.category,
            label=row.label,
            group=row.group,
            sentence=category_sentence(row.respondents, answered, row.units, config.prevalence),
            roles_sentence=roles_sentence(roles, config.prevalence, config.role_forms),
            wave_sentence=_wave_sentence(wave_shares, row.category),
            quotes=quotes,
            quote_note=_quote_note(quotes, rejects, config.quotes.k),
        ))
    return tuple(sections)


def _quote_note(quotes: pd.DataFrame, rejects: pd.DataFrame, k: int) -> str:
    """Why a category has fewer quotes than asked for: the writer should know it was not forgotten."""
    if len(quotes) >= k:
        return ""
    reasons = rejects["reason"].map(_reason_nb).value_counts()
    listed = ", ".join(f"{n} {reason}" for reason, n in reasons.items())
    found = "Ingen svar egnet" if quotes.empty else f"Bare {len(quotes)} svar egnet"
    return f"{found} seg som sitat" + (f" ({listed})." if listed else ".")


_REASONS_NB = {
    "non-answer": "uten innhold",
    "too short": "for korte",
    "too long": "for lange",
    "the category is not": "med kategorien bare som tilleggskode",
    "model confidence": "kodet med lav sikkerhet",
    "same text": "like andre svar",
    "same respondent": "fra samme respondent",
}


def _reason_nb(reason: str) -> str:
    return next((nb for en, nb in _REASONS_NB.items() if reason.startswith(en)), "andre grunner")


def _wave_shares(all_waves: pd.DataFrame) -> pd.DataFrame | None:
    """Share per category (rows) and wave (columns), or None with fewer than two waves."""
    if "wave" not in all_waves:
        return None
    all_waves = all_waves.assign(wave=all_waves["wave"].astype(str))
    all_waves = all_waves[all_waves["wave"] != ""]
    if all_waves["wave"].nunique() < 2:
        return None
    counts, base = split_counts(all_waves, "wave")
    return counts / base


def _wave_sentence(shares: pd.DataFrame | None, category: str) -> str:
    """"Andelen var 30 prosent i 2023 og 38 prosent i 2025 (+8 prosentpoeng)."""
    if shares is None or category not in shares.index:
        return ""
    waves = list(shares.columns)
    parts = [f"{format_percent(shares.at[category, w], word=True)} i {w}" for w in waves]
    change = (shares.at[category, waves[-1]] - shares.at[category, waves[-2]]) * 100
    listed = ", ".join(parts[:-1]) + " og " + parts[-1]
    return f"Andelen var {listed} ({format_change(change)} prosentpoeng)."
