"""The relevance bar: which of a search's ranked articles are about the query at all.

Ranking always returns the k least unrelated articles, gibberish included. A
hit passes the bar when its best chunk is close enough in meaning to the query
(``MIN_COSINE``) or it holds every subject the query names; when the query names
something no article mentions, nothing passes, and the reader is told what is
missing instead of being shown neighbours. (An everyday word no article uses
weighs on answers, ``retrieval.answers.abstention``, but does not empty a search.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.library import Library
from retrieval.library.filters import SearchFilters
from retrieval.search.hybrid import run_search
from retrieval.search.results import Hit
from retrieval.search.subjects import SubjectCoverage, subject_coverage

MIN_COSINE = 0.35  # a chunk this close to the query is about it (gold articles of dev questions vs off-topic hits)


@dataclass
class RelevantHits:
    hits: list[Hit]  # the ranked hits that passed the bar, best first
    ranked: int  # how many were ranked before the bar
    subjects: SubjectCoverage = field(default_factory=SubjectCoverage)

    def nothing_sentence(self, query: str) -> str:
        """Why nothing passed, in one sentence ("" when something did)."""
        if self.hits:
            return ""
        return self.subjects.missing_sentence() or f"Nothing in the library matches “{query.strip()}”."


def passes(hit: Hit, subjects: SubjectCoverage, together: set[str]) -> bool:
    """Whether a hit is about the query. A missing name stops every hit; a missing everyday word does not:
    a search for "toxicity in children" may find "nephrotoxicity", which the full-text index cannot see."""
    if subjects.missing_names:
        return False
    if subjects.present and hit.pmid in together:
        return True
    return (hit.dense_score or 0.0) >= MIN_COSINE and (not subjects.present or hit.pmid in together)


def relevant_search(
    library: Library,
    query: str,
    filters: SearchFilters | None = None,
    k: int = 10,
    prefer_strong_designs: bool = False,
) -> RelevantHits:
    """The ``k`` best articles for ``query`` that pass the relevance bar."""
    result = run_search(library, query, filters, k, prefer_strong_designs)
    subjects = subject_coverage(library, query, drugs=False)
    together = set(subjects.together)
    return RelevantHits([h for h in result.hits if passes(h, subjects, together)], len(result.hits), subjects)
