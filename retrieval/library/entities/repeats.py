"""One abstract names a thing one way: a name tagged once is tagged wherever it recurs in the text.

The pipeline decides each occurrence from its context and often tags a drug in the title but not
in the results. The annotators did not: a repeated name is an entity at every occurrence.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from retrieval.library.entities.spans import Triple, merge, occurrences

MIN_LENGTH = 2  # a one-letter name recurs as a letter too often


def apply(doc: Doc, spans: list[Triple]) -> list[Triple]:
    """``spans`` with every other occurrence (any case) of their names, typed as most of that name's
    spans are; a longer span wins where two overlap."""
    text = doc.text  # spaCy joins the tokens again at each ``doc.text``
    votes: dict[str, Counter] = {}
    first = {}
    for start, end, kind in spans:
        name = text[start:end].lower()
        if len(name) >= MIN_LENGTH:
            votes.setdefault(name, Counter())[kind] += 1
            first.setdefault(name, (start, end))
    names = []
    for name, counter in votes.items():
        span = doc.char_span(*first[name], label=counter.most_common(1)[0][0])
        if span is not None:
            names.append(span)
    return merge(spans, occurrences(doc, names), longest=True)
