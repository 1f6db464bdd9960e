"""Coding answers with a codebook: suggestions from the categories' own words, improved by coders' codes.

:class:`CodebookCoder` and what comes with it are imported when first asked for: they need
scikit-learn (0.9 s to import), and reports, the store and the app's queue only read codes."""

from fritekst.coding._active import answer_density, learning_order
from fritekst.coding._coded import load_coded
from fritekst.coding._prototypes import category_prototypes, prototype_texts
from fritekst.coding._today import NEEDS_CODER, codes_today, codings_today, has_history

__all__ = ["DEFAULT_PRECISION", "NEEDS_CODER", "CodebookCoder", "Suggestion", "answer_density", "category_prototypes", "codes_today", "codings_today", "has_history",
           "learning_order", "load_coded", "prototype_texts"]

_FROM_CODER = ("DEFAULT_PRECISION", "CodebookCoder", "Suggestion")


def __getattr__(name: str):
    if name in _FROM_CODER:
        from fritekst.coding import _coder

        return getattr(_coder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
