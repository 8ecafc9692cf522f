"""The bottom line of an answer: one sentence a clinician reads first.

For a yes/no question it is the verdict and what it rests on ("Yes: two
randomized controlled trials agree."); otherwise it says what the quoted
sentences rest on ("From one randomized controlled trial, 2008."). Years are
written as years and PMIDs as PMIDs, never side by side in one bracket.
"""

from __future__ import annotations

from collections import Counter

from retrieval.library.evidence import BY_LABEL, OTHER
from retrieval.search.results import Hit

_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
VERDICT_WORDS = {"yes": "Yes", "no": "No", "mixed": "Mixed evidence", "insufficient": "Insufficient evidence"}


def count_phrase(n: int, label: str) -> str:
    """``one randomized controlled trial``, ``two case reports``."""
    noun = label if n == 1 else _plural(label)
    return f"{_NUMBERS.get(n, str(n))} {noun}"


def _plural(label: str) -> str:
    if label.endswith("study"):
        return label[:-5] + "studies"
    if label.endswith("analysis"):
        return label[:-8] + "analyses"
    if label == "observational":
        return "observational studies"
    return label + "s"


def rests_on(hits: list[Hit]) -> str:
    """What the cited articles are, strongest design first: ``one systematic review and two case reports``."""
    counts = Counter(_noun(h.level) for h in hits)
    ranked = sorted(counts.items(), key=lambda kv: BY_LABEL.get(_label_of(kv[0]), OTHER).rank)
    parts = [count_phrase(n, noun) for noun, n in ranked]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _noun(level: str) -> str:
    return "observational study" if level == "observational" else ("article" if level == OTHER.label else level)


def _label_of(noun: str) -> str:
    return {"observational study": "observational", "article": OTHER.label}.get(noun, noun)


def bottom_line(cited: list[Hit], retracted_skipped: int, verdict: str | None, because: str = "") -> str:
    """One sentence: the verdict (yes/no questions) or what the answer rests on, and any retracted article skipped."""
    if verdict is not None:
        line = f"{VERDICT_WORDS[verdict]}: {because}." if because else f"{VERDICT_WORDS[verdict]}."
    elif cited:
        years = sorted({h.year for h in cited if h.year})
        when = f", {years[0]}" if len(years) == 1 else (f", {years[0]}–{years[-1]}" if years else "")
        line = f"From {rests_on(cited)}{when}."
    else:
        line = "No sentence of the closest articles answers this question."
    if retracted_skipped:
        n = retracted_skipped
        line += f" {n} retracted article{'s were' if n > 1 else ' was'} among the top results and not quoted."
    return line
