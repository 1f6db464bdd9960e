"""How closely `ndt.to_ud` reproduces UD: NDT dev files against the UD dev file.

The UD Norwegian treebanks were converted from the same NDT sentences, so a dev
sentence can be found in NDT by its words and the two annotations compared token
by token. This checks the hand-written mapping; nothing here is trained on.

    python models/recipe/check_mapping.py [--variety nob|nno] [--errors 30]
"""

from __future__ import annotations

import argparse
from collections import Counter

import ndt


def aligned(variety: str):
    """(NDT sentence, UD sentence) pairs for the UD dev file, matched by their word sequences."""
    by_words = {}
    for path in ndt.ndt_files(variety, "dev"):
        for sent in ndt.read_conll(path):
            by_words.setdefault(tuple(t.form for t in sent), sent)
    ud_path = ndt.DATA / "ud" / variety / f"{ndt.UD_FILES[variety]}-ud-dev.conllu"
    missing = 0
    pairs = []
    for sent in ndt.read_conll(ud_path):
        match = by_words.get(tuple(t.form for t in sent))
        if match is None:
            missing += 1
        else:
            pairs.append((match, sent))
    return pairs, missing


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variety", choices=("nob", "nno"), default="nob")
    parser.add_argument("--errors", type=int, default=30)
    args = parser.parse_args(argv)
    pairs, missing = aligned(args.variety)
    total = same_pos = same_feats = same_lemma = same_ent = 0
    pos_errors: Counter = Counter()
    feat_errors: Counter = Counter()
    for ndt_sent, ud_sent in pairs:
        for token, (pos, feats), gold in zip(ndt_sent, ndt.to_ud(ndt_sent, args.variety), ud_sent):
            total += 1
            same_pos += pos == gold.tag
            same_lemma += token.lemma == gold.lemma
            same_ent += token.entity == gold.entity
            gold_feats = "" if gold.feats == "_" else gold.feats
            same_feats += feats == gold_feats
            if pos != gold.tag:
                pos_errors[(token.tag, token.lemma.lower(), pos, gold.tag)] += 1
            elif feats != gold_feats:
                feat_errors[(pos, token.feats, feats, gold_feats)] += 1
    print(f"{args.variety}: {len(pairs)} dev sentences aligned, {missing} not found in NDT dev files, {total} tokens")
    print(f"UPOS {same_pos / total:.4f}  FEATS {same_feats / total:.4f}  lemma {same_lemma / total:.4f}  "
          f"entity BIO {same_ent / total:.4f}")
    print("\nUPOS disagreements (NDT tag, lemma, ours, UD):")
    for key, n in pos_errors.most_common(args.errors):
        print(f"  {n:5d}  {key}")
    print("\nFEATS disagreements (UPOS, NDT feats, ours, UD):")
    for key, n in feat_errors.most_common(args.errors):
        print(f"  {n:5d}  {key}")


if __name__ == "__main__":
    main()
