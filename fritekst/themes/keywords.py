"""Theme keywords and labels: c-TF-IDF over Norwegian lemmas.

BERTopic's English vectoriser strips æøå ("første" -> "frste") and keeps
Norwegian stop words. Here tokens are lemmatised with the Norwegian pipeline,
stop words come from fritekst's curated list, and BERTopic's class-based TF-IDF
formula weighs them per theme.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from fritekst import nlp


# Adjectives, verbs and adverbs count this much of a noun's weight: a theme is
# named by what the answers are about ("bolig"), less by how they describe it ("høy").
PREDICATE_WEIGHT = 0.6


def keyword_tokens(texts: Sequence[str], ngram_max: int = 2, cache=None,
                   on_progress: nlp.Progress | None = None) -> list[list[str]]:
    """Per text: content lemmas, plus n-grams of adjacent content lemmas; ``cache`` (an
    ``EmbeddingCache``) keeps each text's lemmas for the next run; ``on_progress(done, total)``
    counts the texts tagged."""
    out = []
    for keep in nlp.keyword_slots(list(texts), cache, on_progress):
        tokens = [t for t in keep if t]
        for n in range(2, ngram_max + 1):
            tokens += [
                " ".join(keep[i : i + n])
                for i in range(len(keep) - n + 1)
                if all(keep[i : i + n]) and len(set(keep[i : i + n])) == n
            ]
        out.append(tokens)
    return out


def theme_keywords(
    tokens: Sequence[Sequence[str]],
    labels: np.ndarray,
    top_n: int = 10,
    exclude: Callable[[str], bool] | None = None,
) -> dict[int, list[str]]:
    """Top ``top_n`` keywords per theme label (labels < 0 are ignored), best first; words for
    which ``exclude`` is true (person names) are never keywords, and the next best take their place."""
    from sklearn.feature_extraction.text import CountVectorizer

    labels = np.asarray(labels)
    themes = sorted(int(t) for t in np.unique(labels) if t >= 0)
    if not themes:
        return {}
    assigned = np.flatnonzero(labels >= 0)
    vectorizer = CountVectorizer(analyzer=lambda doc: doc)
    try:
        counts = vectorizer.fit_transform([tokens[i] for i in assigned])
    except ValueError:  # no keyword token anywhere
        return {t: [] for t in themes}
    vocab = vectorizer.get_feature_names_out()
    member = sparse.csr_matrix(
        (np.ones(len(assigned)), ([themes.index(int(labels[i])) for i in assigned], np.arange(len(assigned)))),
        shape=(len(themes), len(assigned)),
    )
    raw = (member @ counts).toarray()
    noun_weight = np.array([1.0 if " " in word or nlp.is_noun_like(word) else PREDICATE_WEIGHT for word in vocab])
    allowed = np.array([exclude is None or not exclude(word) for word in vocab])
    weights = class_tfidf(raw)
    result = {}
    for row, theme in enumerate(themes):
        # A keyword must occur at least twice in its theme when the theme has any such word.
        usable = np.where(allowed, raw[row], 0)
        eligible = usable >= 2 if (usable >= 2).any() else usable >= 1
        score = np.where(eligible, weights[row] * noun_weight, -np.inf)
        order = np.lexsort((vocab, -score))  # ties broken alphabetically: deterministic
        picked = [vocab[i] for i in order[:top_n] if np.isfinite(score[i]) and score[i] > 0]
        result[theme] = _drop_redundant(picked)
    return result


def class_tfidf(counts: np.ndarray) -> np.ndarray:
    """BERTopic's c-TF-IDF with ``reduce_frequent_words=True``, on a themes × words count matrix.

    tf is each theme's l1-normalised word counts, square-rooted to damp very
    frequent words; idf is ``log(1 + mean words per theme / count of the word
    in all themes)``. Written out here because importing ``bertopic`` loads torch
    and sentence-transformers (~10 s) for a ten-line formula.
    """
    totals = counts.sum(axis=1, keepdims=True)
    tf = np.sqrt(counts / np.maximum(totals, 1))
    idf = np.log(1 + counts.sum(axis=1).mean() / np.maximum(counts.sum(axis=0), 1))
    return tf * idf


def _drop_redundant(keywords: list[str]) -> list[str]:
    """Drop a unigram already shown inside a higher-ranked bigram."""
    seen: set[str] = set()
    kept = []
    for word in keywords:
        parts = word.split()
        if len(parts) == 1 and word in seen:
            continue
        kept.append(word)
        seen.update(parts)
    return kept


def theme_label(keywords: Sequence[str], max_words: int = 3, skip: Callable[[str], bool] | None = None) -> str:
    """A readable label from the best keywords: «Bolig, husleie og leilighet».

    Keywords that repeat a word already in the label are skipped ("barn" then
    "barn skolebakgrunn" gives one of them, not both), except a name written in capitals that
    holds a word of the label: «Kors» then «Røde Kors» gives «Røde Kors» (not «NAV Indre» for «NAV»). Those ``skip`` is true
    for (place names and generic words, which stay among the keywords) are skipped too.
    """
    words: list[str] = []
    used: set[str] = set()
    for keyword in keywords:
        parts = set(keyword.split())
        if skip is not None and skip(keyword):
            continue
        if parts & used:
            inside = [i for i, word in enumerate(words) if set(word.split()) < parts]
            if len(inside) == 1 and len(parts) > 1 and all(part[:1].isupper() and part[1:].islower() for part in parts):
                words[inside[0]] = keyword
                used |= parts
            continue
        words.append(keyword)
        used |= parts
        if len(words) == max_words:
            break
    if not words:
        return "(uten nøkkelord)"
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]
    return text[:1].upper() + text[1:]


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def written_forms(texts: Sequence[str]) -> dict[str, str]:
    """How respondents write each word, for display: "imdi" -> "IMDi", "nav" -> "NAV", "bergen" -> "Bergen".

    Lemmas are lower case; a report should say IMDi and NAV. A word keeps a
    capitalised form when respondents mostly write it with capitals inside the
    word (acronyms), or never write it in lower case (names).
    """
    variants: dict[str, Counter] = {}
    for text in texts:
        previous_end = 0
        for match in _WORD.finditer(text):
            word, gap = match.group(0), text[previous_end : match.start()]
            at_start = previous_end == 0 or any(ch in ".!?:;•\n" for ch in gap)
            previous_end = match.end()
            if at_start and not any(ch.isupper() for ch in word[1:]):
                continue  # a capital after a full stop says nothing about the word
            variants.setdefault(word.lower(), Counter())[word] += 1
    forms = {}
    for lower, counts in variants.items():
        total = sum(counts.values())
        inner_caps = sum(n for w, n in counts.items() if any(ch.isupper() for ch in w[1:]))
        if inner_caps * 2 >= total:
            forms[lower] = max((w for w in counts if any(ch.isupper() for ch in w[1:])), key=lambda w: (counts[w], w))
        elif lower not in counts:
            forms[lower] = max(counts, key=lambda w: (counts[w], w))
    return forms


def lemma_spellings(words: Sequence[Sequence[nlp.Word]]) -> dict[str, str]:
    """Lemma -> how to show it, for lemmas that are no word: neither written in the answers nor a
    form Norsk Ordbank lists.

    The trained lemmatiser cuts unknown compounds wrongly ("flyktningtjenesten" ->
    "flyktningtjenest"). Such a lemma is shown as its compound's last part lemmatised by Ordbank
    ("flyktning" + "tjeneste"), else as the form the answers write most often.
    """
    seen = {part for text in words for word in text for part in word.text.lower().split("-")}
    pairs = []  # (form, lemma) of each part of each word: "nav-kontoret" -> "nav-kontore"
    for text in words:
        for word in text:
            form_parts, lemma_parts = word.text.lower().split("-"), word.lemma.split("-")
            if len(form_parts) == len(lemma_parts):
                pairs += [(form, lemma) for form, lemma in zip(form_parts, lemma_parts)
                          if lemma not in seen and lemma.isalpha()]
    listed = nlp.ordbank_lemmas(lemma for _, lemma in pairs)
    written: dict[str, Counter] = {}
    for form, lemma in pairs:
        if lemma not in listed:
            written.setdefault(lemma, Counter())[form] += 1
    # Ordbank's lemmas of every last part a compound's form may have (see _compound_lemma).
    table = nlp.ordbank_lemmas(form[cut:] for counts in written.values() for form in counts
                               for cut in range(3, len(form) - 3))
    spellings = {}
    for lemma, counts in sorted(written.items()):
        form = max(sorted(counts), key=lambda w: counts[w])
        spellings[lemma] = _compound_lemma(form, table) or form
    return spellings


def _compound_lemma(form: str, table: dict[str, str]) -> str | None:
    """``form`` read as a compound whose longest known last part (4+ letters, after 3+) Ordbank
    lemmatises: "flyktningtjenesten" -> "flyktningtjeneste"; None when no part is known."""
    for cut in range(3, len(form) - 3):
        tail = form[cut:]
        if tail in table:
            return form[:cut] + table[tail]
    return None


def display_keyword(keyword: str, forms: dict[str, str]) -> str:
    """``keyword`` with each word part in its written form ("imdi-portal" -> "IMDi-portal")."""
    return re.sub(r"[^\W\d_]+", lambda m: forms.get(m.group(0), m.group(0)), keyword)
