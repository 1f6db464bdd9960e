"""Coding answers with a codebook: suggestions from the categories' own words, improved by coders' codes."""

from fritekst.coding._active import answer_density, learning_order
from fritekst.coding._coded import load_coded
from fritekst.coding._coder import DEFAULT_PRECISION, CodebookCoder, Suggestion
from fritekst.coding._prototypes import category_prototypes, prototype_texts
from fritekst.coding._today import NEEDS_CODER, codes_today, codings_today, has_history

__all__ = ["DEFAULT_PRECISION", "NEEDS_CODER", "CodebookCoder", "Suggestion", "answer_density", "category_prototypes", "codes_today", "codings_today", "has_history",
           "learning_order", "load_coded", "prototype_texts"]
