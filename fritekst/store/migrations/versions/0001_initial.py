"""The first schema: surveys, waves, questions, respondents, answers, segments, runs, codebook
versions, codings and the audit log.

Written out in full rather than built from the models, so that it stays what version 0001 was
when the models move on. Codings and the audit log get triggers that refuse UPDATE and DELETE.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("codings", "audit_log")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _time(name: str) -> sa.Column:
    return sa.Column(name, sa.String(32), nullable=False)


def upgrade() -> None:
    text = sa.Text
    op.create_table(
        "surveys",
        _id(),
        sa.Column("name", text(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_surveys"),
        sa.UniqueConstraint("name", name="uq_surveys_name"),
    )
    op.create_table(
        "waves",
        _id(),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("name", text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_waves"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name="fk_waves_survey_id"),
        sa.UniqueConstraint("survey_id", "name", name="uq_waves_survey_id_name"),
    )
    op.create_table(
        "imports",
        _id(),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("file", text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("attributes", text(), nullable=False),
        sa.Column("n_answers", sa.Integer(), nullable=False),
        _time("imported_at"),
        sa.Column("imported_by", text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name="fk_imports_survey_id"),
        sa.UniqueConstraint("survey_id", "sha256", name="uq_imports_survey_id_sha256"),
    )
    op.create_index("ix_imports_sha256", "imports", ["sha256"])
    op.create_table(
        "questions",
        _id(),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("name", text(), nullable=False),
        sa.Column("text", text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_questions"),
        sa.ForeignKeyConstraint(["wave_id"], ["waves.id"], name="fk_questions_wave_id"),
        sa.UniqueConstraint("wave_id", "name", name="uq_questions_wave_id_name"),
    )
    op.create_index("ix_questions_name", "questions", ["name"])
    op.create_table(
        "respondents",
        _id(),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("key", text(), nullable=False),
        sa.Column("role", text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_respondents"),
        sa.ForeignKeyConstraint(["wave_id"], ["waves.id"], name="fk_respondents_wave_id"),
        sa.UniqueConstraint("wave_id", "key", name="uq_respondents_wave_id_key"),
    )
    op.create_index("ix_respondents_wave_id_role", "respondents", ["wave_id", "role"])
    op.create_table(
        "attributes",
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("name", text(), nullable=False),
        sa.Column("value", text(), nullable=False),
        sa.PrimaryKeyConstraint("respondent_id", "name", name="pk_attributes"),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], name="fk_attributes_respondent_id"),
    )
    op.create_index("ix_attributes_name_value", "attributes", ["name", "value"])
    op.create_table(
        "answers",
        _id(),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("text", text(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], name="fk_answers_question_id"),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], name="fk_answers_respondent_id"),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name="fk_answers_import_id"),
        sa.UniqueConstraint("question_id", "respondent_id", name="uq_answers_question_id_respondent_id"),
    )
    op.create_index("ix_answers_respondent_id", "answers", ["respondent_id"])
    op.create_index("ix_answers_import_id", "answers", ["import_id"])
    op.create_table(
        "segments",
        _id(),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", text(), nullable=False),
        sa.Column("text_hash", sa.String(40), nullable=False),
        sa.Column("blank", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_segments"),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name="fk_segments_answer_id"),
        sa.UniqueConstraint("answer_id", "number", "text_hash", name="uq_segments_answer_id_number_text_hash"),
    )
    op.create_table(
        "codebook_versions",
        _id(),
        sa.Column("name", text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("yaml", text(), nullable=False),
        sa.Column("author", text(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_codebook_versions"),
        sa.UniqueConstraint("name", "version", name="uq_codebook_versions_name_version"),
    )
    op.create_table(
        "runs",
        _id(),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("codebook_version_id", sa.Integer(), nullable=True),
        sa.Column("input_file", text(), nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("manifest", text(), nullable=False),
        sa.Column("columns", text(), nullable=False),
        _time("created_at"),
        sa.Column("created_by", text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name="fk_runs_survey_id"),
        sa.ForeignKeyConstraint(["codebook_version_id"], ["codebook_versions.id"], name="fk_runs_codebook_version_id"),
    )
    op.create_index("ix_runs_survey_id", "runs", ["survey_id"])
    op.create_table(
        "run_segments",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("non_answer", sa.Boolean(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("outlier", sa.Boolean(), nullable=True),
        sa.Column("code_id", text(), nullable=True),
        sa.Column("codes", text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("coded_by", text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "position", name="pk_run_segments"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_run_segments_run_id"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], name="fk_run_segments_segment_id"),
        sa.UniqueConstraint("run_id", "segment_id", name="uq_run_segments_run_id_segment_id"),
    )
    op.create_index("ix_run_segments_run_id_theme_id", "run_segments", ["run_id", "theme_id"])
    op.create_index("ix_run_segments_run_id_code_id", "run_segments", ["run_id", "code_id"])
    op.create_index("ix_run_segments_segment_id", "run_segments", ["segment_id"])
    op.create_table(
        "run_themes",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", text(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("label", text(), nullable=False),
        sa.Column("keywords", text(), nullable=False),
        sa.Column("n_answers", sa.Integer(), nullable=False),
        sa.Column("representative_ids", text(), nullable=False),
        sa.Column("n_segments", sa.Integer(), nullable=True),
        sa.Column("suggested_code", text(), nullable=True),
        sa.Column("suggested_code_share", sa.Float(), nullable=True),
        sa.Column("new_category", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "position", name="pk_run_themes"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_run_themes_run_id"),
        sa.UniqueConstraint("run_id", "question", "theme_id", name="uq_run_themes_run_id_question_theme_id"),
    )
    op.create_table(
        "codings",
        _id(),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("code_id", text(), nullable=False),
        sa.Column("coder", text(), nullable=False),
        sa.Column("codebook_version_id", sa.Integer(), nullable=False),
        _time("created_at"),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("memo", text(), nullable=True),
        sa.Column("quote_candidate", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_codings"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], name="fk_codings_segment_id"),
        sa.ForeignKeyConstraint(
            ["codebook_version_id"], ["codebook_versions.id"], name="fk_codings_codebook_version_id"
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_codings_run_id"),
    )
    op.create_index("ix_codings_segment_id_coder_id", "codings", ["segment_id", "coder", "id"])
    op.create_index("ix_codings_coder_segment_id", "codings", ["coder", "segment_id"])
    op.create_index("ix_codings_code_id", "codings", ["code_id"])
    op.create_table(
        "audit_log",
        _id(),
        _time("at"),
        sa.Column("actor", text(), nullable=False),
        sa.Column("action", text(), nullable=False),
        sa.Column("entity", text(), nullable=False),
        sa.Column("entity_id", text(), nullable=True),
        sa.Column("before", text(), nullable=True),
        sa.Column("after", text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"])
    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    op.execute(
        "CREATE FUNCTION fritekst_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION fritekst_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION fritekst_append_only()"
        )


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded; restore a backup instead")
