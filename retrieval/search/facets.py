"""What a library holds, for filter choices and charts: years, publication types, MeSH terms, evidence levels."""

from __future__ import annotations

from collections import Counter

from retrieval.library import Library
from retrieval.library.evidence import LEVELS
from retrieval.search.hybrid import design_levels


def level_counts(library: Library) -> dict[str, int]:
    """Evidence level counts over the whole library, strongest design first."""
    counts = Counter(design_levels(library, library.store.all_pmids()).values())
    return {level.label: counts.get(level.label, 0) for level in LEVELS}
