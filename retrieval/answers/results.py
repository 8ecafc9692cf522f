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


@dataclass(frozen=True)
class ArticleStance:
    """Whether an evidence article answers a yes/no question yes (supports), no (contradicts) or neither."""

    stance: str  # supports | contradicts | neutral
    sentence: str  # the sentence that decides it


@dataclass
class Answer:
    """An answer in which every sentence cites PMIDs, or an abstention.

    ``evidence`` holds the articles the answer was drawn from; only those in
    ``cited_pmids`` answer the question, the others are related articles, not
    cited (when the answer abstains, the closest articles, none of them cited).
    """

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    evidence: list[Hit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    mode: str = "extractive"
    removed: list[dict] = field(default_factory=list)  # LLM sentences dropped by verification, with reasons
    bottom_line: str = ""  # one sentence: the verdict and what it rests on, or what the answer rests on
    quoted: bool = True  # the sentences are quoted from the abstracts (not written by the language model)
    missing: list[str] = field(default_factory=list)  # subjects of the question no article mentions
    verdict: str | None = None  # yes | no | mixed | insufficient for a yes/no question, else None
    stances: dict[str, ArticleStance] = field(default_factory=dict)  # per evidence PMID, yes/no questions only
    # words of the question read under the library's name for them: a brand, a lay word, a typing slip
    read_as: dict[str, str] = field(default_factory=dict)

    @property
    def cited_pmids(self) -> list[str]:
        return list(dict.fromkeys(c.pmid for c in self.citations))

    @property
    def cited(self) -> list[Hit]:
        cited = set(self.cited_pmids)
        return [h for h in self.evidence if h.pmid in cited]

    @property
    def related(self) -> list[Hit]:
        cited = set(self.cited_pmids)
        return [h for h in self.evidence if h.pmid not in cited]

    @property
    def read_as_text(self) -> str:
        """ "Zoloft → sertraline; rosuvastatn → rosuvastatin": how the question's words were looked up."""
        return "; ".join(f"{written} → {name}" for written, name in self.read_as.items())

    @property
    def quoted_after_llm(self) -> bool:
        """LLM mode, but no written sentence passed verification, so the answer quotes the abstracts."""
        return self.mode == "llm" and self.quoted and not self.abstained

    def as_json(self) -> dict:
        cited = set(self.cited_pmids)

        def evidence(hit: Hit) -> dict:
            stance = self.stances.get(hit.pmid)
            return hit.as_evidence() | {
                "cited": hit.pmid in cited,
                "stance": stance.stance if stance else None,
                "stance_sentence": stance.sentence if stance else None,
            }

        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "verdict": self.verdict,
            "missing": self.missing,
            "read_as": self.read_as,
            "bottom_line": self.bottom_line,
            "citations": [c.as_dict() for c in self.citations],
            "evidence": [evidence(h) for h in self.evidence],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "mode": self.mode,
            "removed": self.removed,
        }
