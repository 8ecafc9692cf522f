"""What answering returns: an answer whose every sentence cites PMIDs (or an abstention), and its citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from retrieval.search.results import Hit


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
