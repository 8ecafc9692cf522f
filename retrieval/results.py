"""Result types shared by search, answers, summaries, the CLI, the web pages and benchmarks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from retrieval.records import Article


@dataclass
class SearchFilters:
    """Filters a user can put on search, answers and summaries (all optional)."""

    year_from: int | None = None
    year_to: int | None = None
    publication_types: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    journal: str | None = None
    has_abstract: bool = False
    collection: str | None = None
    exclude_retracted: bool = False

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False, [], "")}


@dataclass
class Hit:
    """One ranked article."""

    pmid: str
    title: str
    year: int | None
    journal: str
    publication_types: list[str]
    level: str  # evidence level label, see retrieval.evidence
    retracted: bool
    score: float
    sentences: list[str] = field(default_factory=list)  # the sentences that matched the query
    dense_score: float | None = None
    bm25_score: float | None = None
    article: Article | None = None

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


@dataclass
class Citation:
    pmid: str
    title: str
    sentence: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """An answer in which every sentence cites PMIDs, or an abstention."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    evidence: list[Hit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    mode: str = "extractive"
    removed: list[dict] = field(default_factory=list)  # LLM sentences dropped by verification, with reasons
    bottom_line: str = ""

    @property
    def quoted_after_llm(self) -> bool:
        """LLM mode, but no written sentence passed verification, so the answer quotes the abstracts.

        Only an extractive answer has a bottom line, which is how the fallback shows.
        """
        return self.mode == "llm" and bool(self.bottom_line)

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.as_dict() for c in self.citations],
            "evidence": [h.as_evidence() for h in self.evidence],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "mode": self.mode,
            "removed": self.removed,
            "bottom_line": self.bottom_line,
        }
