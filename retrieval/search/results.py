"""The ranked article a search returns, shared by answers, summaries, the CLI, the web pages and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.library.records import Article


@dataclass
class Hit:
    """One ranked article."""

    pmid: str
    title: str
    year: int | None
    journal: str
    publication_types: list[str]
    level: str  # evidence level label, see retrieval.library.evidence
    retracted: bool
    score: float
    sentences: list[str] = field(default_factory=list)  # the sentences that matched the query
    dense_score: float | None = None
    bm25_score: float | None = None
    article: Article | None = None
    inferred: bool = False  # the level was inferred from the title and abstract (no publication type decided it)

    def as_evidence(self) -> dict:
        return {
            "pmid": self.pmid,
            "title": self.title,
            "year": self.year,
            "publication_types": self.publication_types,
            "level": self.level,
            "score": round(float(self.score), 6),
            "retracted": self.retracted,
        }
