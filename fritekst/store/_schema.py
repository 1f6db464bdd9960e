"""The store's tables as SQLAlchemy models: what a project keeps between sessions.

A survey has waves; a wave has questions and respondents (role, attributes); an answer is one
respondent's text to one question. A run cuts answers into segments and gives each a theme (and
the model's code suggestion); coders code segments, and where they disagree a person settles the
final code (an adjudication). Codings, adjudications and the audit log are append-only: a coder's
current coding of a segment is their latest, a segment's settled code its latest adjudication,
and nothing is ever updated in place (the migrations add triggers that refuse UPDATE and DELETE on
these tables, and on SQLite an INSERT OR REPLACE over an existing row).

Times are UTC ISO-8601 strings with microseconds (``2025-11-23T15:14:00.123456+00:00``): the
same text on SQLite and PostgreSQL, and they sort as they read.

The migrations in ``migrations/versions`` are written by hand and must build exactly these
tables; ``tests/test_store.py`` compares them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fritekst.coders import MODEL_CODER  # noqa: F401  (re-exported: codings by the model carry it)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

WITHDRAWN_CODE = ""
"""The code of a coding that withdraws the coder's earlier one (undo): the segment is uncoded by
them again. No category id can be empty, so it cannot be mistaken for one."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Survey(Base):
    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[str] = mapped_column(String(32))


class Wave(Base):
    """One round of a survey; ``name`` is "" when the file named no wave."""

    __tablename__ = "waves"
    __table_args__ = (UniqueConstraint("survey_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    name: Mapped[str] = mapped_column(Text)


class Import(Base):
    """A survey file loaded into the store; the same file (by SHA-256) is loaded once."""

    __tablename__ = "imports"
    __table_args__ = (UniqueConstraint("survey_id", "sha256"), Index(None, "sha256"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    file: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    attributes: Mapped[str] = mapped_column(Text)  # JSON list: the attribute columns, in file order
    n_answers: Mapped[int] = mapped_column(Integer)  # answers this import added
    imported_at: Mapped[str] = mapped_column(String(32))
    imported_by: Mapped[str] = mapped_column(Text)


class Question(Base):
    """An open question as asked in one wave (wording may change between waves; ``name`` joins them)."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("wave_id", "name"), Index(None, "name"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    name: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class Respondent(Base):
    __tablename__ = "respondents"
    __table_args__ = (UniqueConstraint("wave_id", "key"), Index(None, "wave_id", "role"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    key: Mapped[str] = mapped_column(Text)  # the respondent id in the survey file
    role: Mapped[str | None] = mapped_column(Text)


class Attribute(Base):
    """One respondent attribute (kommunenr, size band, ...); a missing value has no row."""

    __tablename__ = "attributes"
    __table_args__ = (Index(None, "name", "value"),)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"), primary_key=True)
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("question_id", "respondent_id"), Index(None, "respondent_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    text: Mapped[str] = mapped_column(Text)  # the cell as exported, "" when empty
    source_row: Mapped[int] = mapped_column(Integer)


class Segment(Base):
    """A piece of an answer as a run cut it; the same piece in a later run is the same segment,
    so codings carry over. ``text_hash`` (SHA-1 of the text) keeps the key short enough to index."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("answer_id", "number", "text_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(40))
    blank: Mapped[bool] = mapped_column(Boolean)


class CodebookVersion(Base):
    __tablename__ = "codebook_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    yaml: Mapped[str] = mapped_column(Text)  # dump_codebook of the version, as saved
    author: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class Run(Base):
    """A theme run: its manifest, the codebook version it coded with, and its table layouts."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    codebook_version_id: Mapped[int | None] = mapped_column(ForeignKey("codebook_versions.id"))
    input_file: Mapped[str] = mapped_column(Text)
    input_sha256: Mapped[str] = mapped_column(String(64))
    manifest: Mapped[str] = mapped_column(Text)  # JSON text, key order kept
    columns: Mapped[str] = mapped_column(Text)  # JSON {"assignments": [...], "themes": [...]}
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(Text)


class RunSegment(Base):
    """One row of a run's assignments.csv: the segment, its theme and the run's code columns."""

    __tablename__ = "run_segments"
    __table_args__ = (
        UniqueConstraint("run_id", "segment_id"),
        Index(None, "run_id", "theme_id"),
        Index(None, "run_id", "code_id"),
        Index(None, "segment_id"),
    )
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"))
    non_answer: Mapped[bool] = mapped_column(Boolean)
    theme_id: Mapped[int] = mapped_column(Integer)
    outlier: Mapped[bool | None] = mapped_column(Boolean)
    code_id: Mapped[str | None] = mapped_column(Text)
    codes: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    coded_by: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(Text)  # revision 0008; None in runs saved before


class RunTheme(Base):
    """One row of a run's themes.csv."""

    __tablename__ = "run_themes"
    __table_args__ = (UniqueConstraint("run_id", "question", "theme_id"),)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)  # a question name: a run may span waves
    theme_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(Text)
    marked_keywords: Mapped[str | None] = mapped_column(Text)  # revision 0009: generic words and places
    n_answers: Mapped[int] = mapped_column(Integer)
    representative_ids: Mapped[str] = mapped_column(Text)
    n_segments: Mapped[int | None] = mapped_column(Integer)
    parent_theme: Mapped[int | None] = mapped_column(Integer)  # revision 0007: two-level themes
    parent_label: Mapped[str | None] = mapped_column(Text)
    suggested_code: Mapped[str | None] = mapped_column(Text)
    suggested_code_share: Mapped[float | None] = mapped_column(Float)
    new_category: Mapped[bool | None] = mapped_column(Boolean)


class Coding(Base):
    """A code given to a segment by a coder (a person, or ``model`` for a run's suggestion)
    under one codebook version. Append-only: the latest per (segment, coder) is current."""

    __tablename__ = "codings"
    __table_args__ = (
        Index(None, "segment_id", "coder", "id"),
        Index(None, "coder", "segment_id"),
        Index(None, "code_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"))
    code_id: Mapped[str] = mapped_column(Text)
    coder: Mapped[str] = mapped_column(Text)
    codebook_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"))
    created_at: Mapped[str] = mapped_column(String(32))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    confidence: Mapped[float | None] = mapped_column(Float)
    memo: Mapped[str | None] = mapped_column(Text)
    quote_candidate: Mapped[bool] = mapped_column(Boolean)
    extra_codes: Mapped[str | None] = mapped_column(Text)  # further codes, ";"-separated (revision 0002)


class Adjudication(Base):
    """The final code of a segment coders disagree on, chosen by a person (the adjudicator) under
    one codebook version (revision 0004). Append-only: the latest per segment is the settled
    code, and a re-settle is a new row. The coders' own codings stay as they were."""

    __tablename__ = "adjudications"
    __table_args__ = (Index(None, "segment_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id"))
    code_id: Mapped[str] = mapped_column(Text)
    adjudicator: Mapped[str] = mapped_column(Text)
    codebook_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"))
    created_at: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Who changed what, with the state before and after as JSON. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)



class ErasureInProgress(Base):
    """A row here, only ever inside an erasure's own transaction, lets the append-only triggers
    pass that transaction's UPDATE and DELETE (revision 0005, :mod:`fritekst.store._erasure`)."""

    __tablename__ = "erasure_in_progress"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Role(Base):
    """A person's role in the project (revision 0006): ``koder``, ``prosjektleder`` or ``leser``."""

    __tablename__ = "roles"
    person: Mapped[str] = mapped_column(Text, primary_key=True)
    role: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[str] = mapped_column(String(32))
