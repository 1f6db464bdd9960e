"""What the coder workspace computes over a project store, apart from drawing it (house rule 1):
per-question overview, the coding queue and its filters, theme edits, the answer map, themes
offered as categories, the disagreements to settle, an answer split into sentences.

The Streamlit pages in :mod:`fritekst.app` call these and only draw the results.
"""

from fritekst.workspace.answer_map import answer_map
from fritekst.workspace.answer_parts import AnswerPart, SplitPreview, answer_part, split_preview
from fritekst.workspace.disagreements import disagreement_table
from fritekst.workspace.memos import memo_table
from fritekst.workspace.overview import category_overview, question_overview
from fritekst.workspace.queue import (
    QUEUE_ORDERS,
    CodingFilters,
    answer_queue,
    coding_queue,
    filter_queue,
    learning_queue,
    quick_codes,
    segment_codes,
    with_codings,
)
from fritekst.workspace.suggestions import suggest_codes
from fritekst.workspace.themes_to_categories import codebook_with_drafts, draft_categories
from fritekst.workspace.theme_edits import accept_theme, broad_themes, merge_themes, recount_themes, split_theme

__all__ = [
    "QUEUE_ORDERS",
    "AnswerPart",
    "CodingFilters",
    "SplitPreview",
    "accept_theme",
    "answer_queue",
    "category_overview",
    "answer_map",
    "answer_part",
    "broad_themes",
    "codebook_with_drafts",
    "coding_queue",
    "disagreement_table",
    "draft_categories",
    "filter_queue",
    "learning_queue",
    "memo_table",
    "merge_themes",
    "question_overview",
    "quick_codes",
    "recount_themes",
    "segment_codes",
    "split_preview",
    "split_theme",
    "suggest_codes",
    "with_codings",
]
