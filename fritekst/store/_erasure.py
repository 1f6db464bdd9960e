"""Erasure and retention: a respondent's text leaves the store, and the log says that it did.

Codings, adjudications and the audit log are append-only (revision 0001); this module is the one
sanctioned way past that (revision 0005): it marks the transaction with a row in
``erasure_in_progress``, which the triggers let UPDATE and DELETE through for, and removes the
mark before it commits, so no other transaction ever sees it.

Two operations share the work of finding where the text went:

- :func:`forget` (GDPR art. 17): the respondent (all waves of one survey) with their attributes,
  answers, segments, the run rows, codings (memos and quote flags with them) and adjudications of
  those segments are deleted; counts drop by exactly them.
- :func:`redact` (a retention rule): the text of answers imported before a date is emptied, with
  the memos and notes on them, while respondents, codes and flags stay, so counts stay.

Both then take the text out of what was made from it: theme keywords and labels (a theme's and
its broad theme's) holding a word found only in the erased text, a theme's representative
respondent ids, codebook examples holding the text, and audit rows (before/after values). One
audit row records the erasure: who, when, why, how many rows, and a fingerprint of the respondent
id (SHA-256 of survey and id, so that "was this person erased?" can be answered later by someone
who has the id), never the text.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select, update

from fritekst.codebook import dump_codebook, parse_codebook
from fritekst.errors import InputError
from fritekst.store import _audit
from fritekst.store._schema import (
    Adjudication,
    Answer,
    Attribute,
    AuditEntry,
    CodebookVersion,
    Coding,
    ErasureInProgress,
    Import,
    Question,
    Respondent,
    Run,
    RunSegment,
    RunTheme,
    Segment,
    Survey,
    Wave,
)

ERASED = "[slettet]"
"""What stands where erased text stood inside a longer value (an audit row's memo, an example)."""

MIN_QUOTED_CHARS = 12
"""A text this long or longer is taken out wherever it stands inside another value; a shorter one
("Ja", "Bolig") only where it is the whole value, or every "ja" in the log would go with it."""


@dataclass(frozen=True)
class Erasure:
    """What :func:`forget` or :func:`redact` removed (counts), and the texts it removed, which the
    caller needs for the embedding cache (``texts`` is never shown nor stored). ``screened``: other
    texts a report screened for personal data and may have kept findings of in that cache: the
    respondent's role and attribute values (forget), and theme labels as they were before the
    erasure changed them."""

    action: str
    surveys: tuple[str, ...]
    respondents: int
    answers: int
    segments: int
    codings: int
    memos: int
    quote_flags: int
    adjudications: int
    themes: int
    codebook_versions: int
    audit_rows: int
    texts: tuple[str, ...] = field(default=(), repr=False)
    screened: tuple[str, ...] = field(default=(), repr=False)
    file_cleared: bool = True  # False: a SQLite reader kept the old pages in -wal for now

    def summary(self) -> dict[str, int]:
        """The counts, as the audit row and the command print them."""
        return {name: getattr(self, name) for name in ("respondents", "answers", "segments", "codings", "memos",
                                                       "quote_flags", "adjudications", "themes",
                                                       "codebook_versions", "audit_rows")}


def fingerprint(survey: str, respondent: str) -> str:
    """What the log keeps of an erased respondent's id: hash survey and id to check for one."""
    return hashlib.sha256(f"{survey}\n{respondent}".encode()).hexdigest()


def forget(connection: Connection, respondent: str, survey: str | None, reason: str, actor: str) -> Erasure:
    """Erase respondent ``respondent`` (their id in the survey file) of ``survey`` (needed when
    several surveys hold that id) in every wave, and record that it was done."""
    reason = _reason(reason)
    query = (select(Respondent.id, Survey.name).join(Wave, Wave.id == Respondent.wave_id)
             .join(Survey, Survey.id == Wave.survey_id).where(Respondent.key == respondent))
    if survey is not None:
        query = query.where(Survey.name == survey)
    found = connection.execute(query).all()
    if not found:
        where = f"survey {survey!r}" if survey else "the store"
        raise InputError(f"no respondent {respondent!r} in {where}; give the id as the survey file has it",
                         column="--respondent")
    surveys = sorted({name for _, name in found})
    if len(surveys) > 1:
        raise InputError(f"respondent {respondent!r} is in the surveys {', '.join(surveys)}; say which with --survey",
                         column="--survey")
    respondent_ids = [rid for rid, _ in found]
    answer_ids = list(connection.scalars(select(Answer.id).where(Answer.respondent_id.in_(respondent_ids))))
    values = [*connection.scalars(select(Respondent.role).where(Respondent.id.in_(respondent_ids))),
              *connection.scalars(select(Attribute.value).where(Attribute.respondent_id.in_(respondent_ids)))]
    work = _Work(connection, answer_ids, surveys, keys={respondent})
    work.mark()
    work.recount_themes()
    work.clean_derived()
    counts = work.counts()
    segments = work.segment_ids
    for table, column in ((Coding, Coding.segment_id), (Adjudication, Adjudication.segment_id),
                          (RunSegment, RunSegment.segment_id)):
        connection.execute(delete(table).where(column.in_(segments)))
    connection.execute(delete(Segment).where(Segment.id.in_(segments)))
    connection.execute(delete(Answer).where(Answer.id.in_(answer_ids)))
    connection.execute(delete(Attribute).where(Attribute.respondent_id.in_(respondent_ids)))
    connection.execute(delete(Respondent).where(Respondent.id.in_(respondent_ids)))
    result = Erasure("forget", tuple(surveys), len(respondent_ids), texts=work.texts,
                     screened=_distinct([*values, *work.old_labels]), **counts)
    _audit.record(connection, actor, "forget", "respondent", fingerprint(surveys[0], respondent), None,
                  {"survey": surveys[0], "respondent_sha256": fingerprint(surveys[0], respondent), "reason": reason,
                   "removed": result.summary()})
    work.unmark()
    return result


def redact(connection: Connection, before: str, survey: str | None, reason: str | None, actor: str,
           dry_run: bool) -> tuple[Erasure, list[dict]]:
    """Empty the text of answers imported before ``before`` (an ISO time), keeping respondents,
    codes and flags (the counts); with ``dry_run`` only say what would go. Returns the erasure
    and one row per (survey, wave, question): how many answers, and the oldest import."""
    query = (select(Answer.id, Survey.name.label("survey"), Wave.name.label("wave"), Question.name.label("question"),
                    Import.imported_at)
             .join(Import, Import.id == Answer.import_id).join(Question, Question.id == Answer.question_id)
             .join(Wave, Wave.id == Question.wave_id).join(Survey, Survey.id == Wave.survey_id)
             .where(Import.imported_at < before, Answer.text != ""))
    if survey is not None:
        query = query.where(Survey.name == survey)
    rows = connection.execute(query).mappings().all()
    listing: dict[tuple, dict] = {}
    for row in rows:
        entry = listing.setdefault((row["survey"], row["wave"], row["question"]),
                                   {"survey": row["survey"], "wave": row["wave"], "question": row["question"],
                                    "answers": 0, "imported": row["imported_at"]})
        entry["answers"] += 1
        entry["imported"] = min(entry["imported"], row["imported_at"])
    answer_ids = [row["id"] for row in rows]
    surveys = tuple(sorted({row["survey"] for row in rows}))
    work = _Work(connection, answer_ids, list(surveys), keys=set())
    if dry_run or not answer_ids:
        return Erasure("redact", surveys, 0, texts=work.texts, **work.counts()), list(listing.values())
    reason = _reason(reason)
    work.mark()
    work.clean_derived()
    counts = work.counts()
    segments = work.segment_ids
    connection.execute(update(Coding).where(Coding.segment_id.in_(segments), Coding.memo.is_not(None))
                       .values(memo=None))
    connection.execute(update(Adjudication).where(Adjudication.segment_id.in_(segments),
                                                  Adjudication.note.is_not(None)).values(note=None))
    connection.execute(update(Segment).where(Segment.id.in_(segments)).values(text=""))
    connection.execute(update(Answer).where(Answer.id.in_(answer_ids)).values(text=""))
    result = Erasure("redact", surveys, 0, texts=work.texts, screened=_distinct(work.old_labels), **counts)
    _audit.record(connection, actor, "redact", "survey", ",".join(surveys), None,
                  {"imported_before": before, "reason": reason, "removed": result.summary()})
    work.unmark()
    return result, list(listing.values())


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InputError("say why (a case number, the retention rule): the log keeps it", column="--reason")
    return reason


def _distinct(texts: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({text for text in texts if text and text.strip()}))


def _interleaved(keywords: Iterable[str]) -> str:
    """Several themes' keywords (", " lists, best first) as one list, best of each first: a
    broad theme's keywords made from its sub-themes'."""
    lists = [[k.strip() for k in text.split(",") if k.strip()] for text in keywords]
    ranked = (k for rank in itertools.zip_longest(*lists) for k in rank if k is not None)
    return ", ".join(dict.fromkeys(ranked))


def _chunks(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class _Work:
    """The text of some answers, and everything that was made from it, in one transaction."""

    def __init__(self, connection: Connection, answer_ids: list[int], surveys: list[str], keys: set[str]) -> None:
        self.connection = connection
        self.answer_ids = answer_ids
        self.keys = keys  # respondent ids to take out of representative ids (forget only)
        answers = connection.execute(select(Answer.text, Question.name).join(Question, Question.id == Answer.question_id)
                                     .where(Answer.id.in_(answer_ids))).all()
        segments = connection.execute(select(Segment.id, Segment.text).where(Segment.answer_id.in_(answer_ids))).all()
        self.segment_ids = [sid for sid, _ in segments]
        self.questions = sorted({name for _, name in answers})
        notes = [*connection.scalars(select(Coding.memo).where(Coding.segment_id.in_(self.segment_ids),
                                                                Coding.memo.is_not(None))),
                 *connection.scalars(select(Adjudication.note).where(Adjudication.segment_id.in_(self.segment_ids),
                                                                     Adjudication.note.is_not(None)))]
        texts = [t for t in [*(a for a, _ in answers), *(s for _, s in segments), *notes] if t and t.strip()]
        self.texts = tuple(sorted(set(texts), key=len, reverse=True))
        self.survey_ids = list(connection.scalars(select(Survey.id).where(Survey.name.in_(surveys))))
        self.run_ids = list(connection.scalars(select(Run.id).where(Run.survey_id.in_(self.survey_ids))))
        self._erased_words = "\n".join(self.texts).casefold()
        self._kept_words: str | None = None
        self._codebooks: dict[str, str] = {}
        self.changed_themes = 0
        self.old_labels: list[str] = []  # theme labels the erasure changed, as they were
        self.changed_versions = 0
        self.changed_audit = 0

    def counts(self) -> dict[str, int]:
        c, s = self.connection, self.segment_ids
        count = lambda query: c.scalar(query) or 0  # noqa: E731
        return {
            "answers": len(self.answer_ids), "segments": len(s),
            "codings": count(select(func.count(Coding.id)).where(Coding.segment_id.in_(s))),
            "memos": count(select(func.count(Coding.id)).where(Coding.segment_id.in_(s), Coding.memo.is_not(None))),
            "quote_flags": count(select(func.count(Coding.id)).where(Coding.segment_id.in_(s),
                                                                      Coding.quote_candidate.is_(True))),
            "adjudications": count(select(func.count(Adjudication.id)).where(Adjudication.segment_id.in_(s))),
            "themes": self.changed_themes, "codebook_versions": self.changed_versions,
            "audit_rows": self.changed_audit,
        }

    # --- the mark the append-only triggers look for --------------------------------------

    def mark(self) -> None:
        self.connection.execute(insert(ErasureInProgress).values(id=1))

    def unmark(self) -> None:
        self.connection.execute(delete(ErasureInProgress))

    # --- words -----------------------------------------------------------------------------

    def erased_word(self, word: str) -> bool:
        """A word of the erased text that no other answer to the same questions holds."""
        word = word.casefold()
        if len(word) < 2 or word not in self._erased_words:
            return False
        if self._kept_words is None:
            erased = set(self.answer_ids)
            kept = self.connection.execute(
                select(Answer.id, Answer.text).join(Question, Question.id == Answer.question_id)
                .join(Wave, Wave.id == Question.wave_id)
                .where(Wave.survey_id.in_(self.survey_ids), Question.name.in_(self.questions)))
            self._kept_words = "\n".join(text for answer_id, text in kept if answer_id not in erased).casefold()
        return word not in self._kept_words

    def _keywords(self, keywords: str) -> str:
        kept = [k.strip() for k in keywords.split(",") if k.strip()
                and not any(self.erased_word(part) for part in k.split())]
        return ", ".join(kept)

    def _label(self, label: str, keywords: str) -> str:
        if not any(self.erased_word(word) for word in re.findall(r"[^\W_]+", label)):
            return label
        from fritekst.themes import theme_label

        return theme_label([k.strip() for k in keywords.split(",") if k.strip()]) or ERASED

    def _representatives(self, ids: str) -> str:
        return ";".join(i for i in ids.split(";") if i and i not in self.keys)

    def _string(self, value: str) -> str:
        if value in self.texts:
            return ERASED
        for text in self.texts:
            if len(text) >= MIN_QUOTED_CHARS and text in value:
                value = value.replace(text, ERASED)
        return value

    def _codebook_yaml(self, text: str) -> str:
        """The codebook without the examples that quote the erased text (parsed, not searched as
        text: YAML may quote, escape or fold an example over lines)."""
        if text in self._codebooks:
            return self._codebooks[text]
        codebook = parse_codebook(text, "codebook (store)")
        categories = []
        for category in codebook.categories:
            kept = tuple(e for e in category.examples if not self._quotes(e))
            categories.append(category if kept == category.examples else category.model_copy(update={"examples": kept}))
        changed = codebook.model_copy(update={"categories": tuple(categories)})
        self._codebooks[text] = text if changed == codebook else dump_codebook(changed)
        return self._codebooks[text]

    def _quotes(self, example: str) -> bool:
        return any(example.strip() == t.strip() or (len(t) >= MIN_QUOTED_CHARS and (t in example or example in t))
                   for t in self.texts)

    def scrub(self, value):
        """``value`` (parsed JSON) with the erased text taken out of it."""
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key == "representative_ids" and isinstance(item, str):
                    out[key] = self._representatives(item)
                elif key in ("keywords", "marked_keywords") and isinstance(item, str):
                    out[key] = self._keywords(item)
                elif key == "yaml" and isinstance(item, str):
                    out[key] = self._codebook_yaml(item)
                else:
                    out[key] = self.scrub(item)
            for label in ("label", "parent_label"):  # a theme row as an edit's audit row holds it
                if isinstance(out.get(label), str) and isinstance(out.get("keywords"), str):
                    out[label] = self._label(out[label], out["keywords"])
            return out
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, str):
            return self._string(value)
        return value

    # --- what was made from the text ------------------------------------------------------

    def recount_themes(self) -> None:
        """Themes lose the erased segments from their counts (forget: the segments go)."""
        c = self.connection
        rows = c.execute(
            select(RunSegment.run_id, Question.name, RunSegment.theme_id, func.count(),
                   func.count(func.distinct(Segment.answer_id)))
            .join(Segment, Segment.id == RunSegment.segment_id).join(Answer, Answer.id == Segment.answer_id)
            .join(Question, Question.id == Answer.question_id)
            .where(RunSegment.segment_id.in_(self.segment_ids))
            .group_by(RunSegment.run_id, Question.name, RunSegment.theme_id)).all()
        for run_id, question, theme_id, n_segments, n_answers in rows:
            where = (RunTheme.run_id == run_id, RunTheme.question == question, RunTheme.theme_id == theme_id)
            c.execute(update(RunTheme).where(*where).values(n_answers=RunTheme.n_answers - n_answers))
            c.execute(update(RunTheme).where(*where, RunTheme.n_segments.is_not(None))
                      .values(n_segments=RunTheme.n_segments - n_segments))

    def clean_derived(self) -> None:
        """Theme keywords, labels (a theme's and its broad theme's) and representatives; codebook
        examples; audit rows."""
        c = self.connection
        if not self.texts and not self.keys:
            return
        themes = c.execute(select(RunTheme.run_id, RunTheme.position, RunTheme.question, RunTheme.parent_theme,
                                  RunTheme.label, RunTheme.keywords, RunTheme.marked_keywords,
                                  RunTheme.representative_ids, RunTheme.parent_label)
                           .where(RunTheme.run_id.in_(self.run_ids), RunTheme.question.in_(self.questions))
                           .order_by(RunTheme.run_id, RunTheme.position)).all()
        kept = {(row.run_id, row.position): self._keywords(row.keywords) for row in themes}
        broad: dict[tuple, list[str]] = {}  # a broad theme's keywords: those of its sub-themes
        for row in themes:
            broad.setdefault((row.run_id, row.question, row.parent_theme), []).append(kept[row.run_id, row.position])
        for row in themes:
            new_keywords = kept[row.run_id, row.position]
            old = {"keywords": row.keywords, "label": row.label, "marked_keywords": row.marked_keywords,
                   "representative_ids": row.representative_ids, "parent_label": row.parent_label}
            new = {"keywords": new_keywords, "label": self._label(row.label, new_keywords),
                   "marked_keywords": None if row.marked_keywords is None else self._keywords(row.marked_keywords),
                   "representative_ids": self._representatives(row.representative_ids),
                   "parent_label": None if row.parent_label is None else self._label(
                       row.parent_label, _interleaved(broad[row.run_id, row.question, row.parent_theme]))}
            if new != old:
                c.execute(update(RunTheme).where(RunTheme.run_id == row.run_id, RunTheme.position == row.position)
                          .values(**new))
                self.changed_themes += 1
                self.old_labels += [old[key] for key in ("label", "parent_label") if new[key] != old[key]]
        for version_id, text in c.execute(select(CodebookVersion.id, CodebookVersion.yaml)).all():
            new_text = self._codebook_yaml(text)
            if new_text != text:
                c.execute(update(CodebookVersion).where(CodebookVersion.id == version_id).values(yaml=new_text))
                self.changed_versions += 1
        self._clean_audit()

    def _clean_audit(self) -> None:
        """Rows about the segments (codes, memos, settles) keep who did what when, not what;
        rows about the survey's runs (theme edits) and codebooks lose the text inside them."""
        c = self.connection
        for chunk in _chunks([str(s) for s in self.segment_ids]):
            self.changed_audit += c.execute(
                update(AuditEntry).where(AuditEntry.entity == "segment", AuditEntry.entity_id.in_(chunk))
                .values(before=None, after=json.dumps({"erased": True}))).rowcount
        runs = [str(r) for r in self.run_ids]
        query = (select(AuditEntry.id, AuditEntry.before, AuditEntry.after)
                 .where(((AuditEntry.entity == "run") & AuditEntry.entity_id.in_(runs))
                        | (AuditEntry.entity == "codebook")))
        for audit_id, before, after in c.execute(query).all():
            new_before, new_after = (None if v is None else _audit.as_json(self.scrub(json.loads(v)))
                                     for v in (before, after))
            if (new_before, new_after) != (before, after):
                c.execute(update(AuditEntry).where(AuditEntry.id == audit_id)
                          .values(before=new_before, after=new_after))
                self.changed_audit += 1
