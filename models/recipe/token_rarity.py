"""Count how often each of e5's tokens occurs in the treebank, and in its content words: the content
view's weights.

    cd models/recipe && nice python token_rarity.py

The content view (:mod:`fritekst.embed.two_views`) weights an answer's token states by the
token's rarity. Rarity is read from general Norwegian text, not from the survey: a survey's own
counts would make an answer's vector depend on the other answers, and the cache could not keep
it. The NDT train split of Bokmål and Nynorsk (news, blogs, reports, parliament; 31 000
sentences) is e5-tokenised word by word (a SentencePiece piece never spans two words). For each
token id, ``fritekst/data/e5_token_rarity.tsv`` gives the sentences it occurs in, its
occurrences, and how many of those are in a content word (the treebank tags the word a noun, verb
or adjective); the first line has the number of sentences. Counts of sub-word ids say nothing a
reader could turn back into a sentence.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # fritekst, from this checkout
sys.path.insert(0, str(HERE))

from ndt import DATA, ndt_files, read_conll  # noqa: E402

from fritekst.embed.two_views import RARITY_TABLE, token_ids  # noqa: E402


CONTENT_TAGS = frozenset({"subst", "verb", "adj"})


def main() -> None:
    sentences, occurrences, in_content = Counter(), Counter(), Counter()
    n_sentences = 0
    ids_of: dict[str, list[int]] = {}
    for variety in ("nob", "nno"):
        for path in ndt_files(variety, "train", DATA):
            for tokens in read_conll(path):
                seen: set[int] = set()
                for token in tokens:
                    ids = ids_of.setdefault(token.form, token_ids(token.form))
                    seen.update(ids)
                    occurrences.update(ids)
                    if token.tag in CONTENT_TAGS:
                        in_content.update(ids)
                sentences.update(seen)
                n_sentences += 1
    lines = [f"sentences\t{n_sentences}"] + [
        f"{token}\t{sentences[token]}\t{occurrences[token]}\t{in_content[token]}" for token in sorted(sentences)
    ]
    Path(str(RARITY_TABLE)).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{n_sentences} sentences, {len(sentences)} token ids -> {RARITY_TABLE}")


if __name__ == "__main__":
    main()
