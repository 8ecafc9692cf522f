"""Mention spans of one spaCy document: finding given names in it, and merging two sets of spans.

The recogniser's passes (dictionary, repeats, abbreviations) each propose spans; these helpers
keep them on token boundaries (spaCy's ``PhraseMatcher``, not hand-written matching) and decide
which of two overlapping spans stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

Triple = tuple[int, int, str]  # (start character, end character, type)


def occurrences(doc: Doc, names: Iterable[Span], attr: str = "LOWER") -> list[Triple]:
    """Every occurrence in ``doc`` of the text of each of ``names`` (spans of ``doc``, labelled with
    their type), longest first where they overlap. ``attr="LOWER"`` ignores case; ``"ORTH"`` does not."""
    matcher = PhraseMatcher(doc.vocab, attr=attr)
    by_type: dict[str, list[Doc]] = {}
    for span in names:
        by_type.setdefault(span.label_, []).append(Doc(doc.vocab, words=[t.text for t in span]))  # as_doc() is slower
    if not by_type:
        return []
    for kind, patterns in by_type.items():
        matcher.add(kind, patterns)
    return [(s.start_char, s.end_char, s.label_) for s in filter_spans(matcher(doc, as_spans=True))]


def merge(kept: Iterable[Triple], added: Iterable[Triple], longest: bool) -> list[Triple]:
    """``kept`` with the spans of ``added`` that fit: where two overlap, the ``kept`` one stays, or
    with ``longest`` the longer one (``kept`` among equals)."""
    first = list(kept)
    if longest:  # stable sort: kept before added among spans of one length
        ranked = sorted([*first, *added], key=lambda s: s[0] - s[1])
    else:
        ranked = [*sorted(first, key=lambda s: s[0] - s[1]), *added]
    taken: set[int] = set()  # characters already in a span: linear, where a long text has thousands
    out: list[Triple] = []
    for start, end, kind in ranked:
        if not any(i in taken for i in range(start, end)):
            taken.update(range(start, end))
            out.append((start, end, kind))
    return sorted(out)
