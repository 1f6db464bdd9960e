"""Column names that fritekst's tables own, so attribute columns cannot take them."""

# Written by the survey reader (one row per respondent × question).
ANSWER_COLUMNS = ("id", "question", "question_text", "text", "role", "wave", "source_row")
# Added by later stages: cleaning, theme discovery, reading a run back.
STAGE_COLUMNS = ("segment", "non_answer", "answer_text", "blank", "theme_id", "outlier", "representative")
RESERVED_COLUMNS = ANSWER_COLUMNS + STAGE_COLUMNS
