"""The evaluation questions and the check that a library holds what they are asked about.

PubMedQA (``../shared/data/eval/pubmedqa.jsonl``): 1,000 expert-labelled questions,
each with the PMID of the abstract that answers it (split ``dev`` to tune,
``test`` to report). Off-topic questions (``bench/data/offtopic_questions.jsonl``)
have no answer in a biomedical library: the right response is to abstain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bench.errors import BenchError
from bench.report import REPO_ROOT
from retrieval.library import Library

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
PUBMEDQA = SHARED_DATA / "eval" / "pubmedqa.jsonl"
CORPUS_DIR = SHARED_DATA / "corpus"
OFFTOPIC = REPO_ROOT / "bench" / "data" / "offtopic_questions.jsonl"
BUILD_COMMAND = "python -m ingest files ../shared/data/corpus/*.xml.gz"


@dataclass(frozen=True)
class Question:
    pmid: str
    split: str
    question: str
    decision: str = ""  # yes / no / maybe; absent from question sets made for retrieval only (paraphrases)
    long_answer: str = ""


def _read_jsonl(path: Path, what: str) -> list[dict]:
    if not path.is_file():
        raise BenchError(f"{what} file {path} does not exist; pass the right path or restore the file.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise BenchError(f"{path} line {number} is not JSON ({error.msg}); fix or remove that line.") from None
    return rows


def load_questions(
    path: Path, split: str | None, limit: int | None = None, *, need_decision: bool = False
) -> list[Question]:
    """PubMedQA-style questions of one split (all when ``split`` is None), first ``limit`` in file order.

    Retrieval needs only pmid, split and question; ``need_decision`` also requires the yes/no/maybe label.
    """
    fields = ("pmid", "split", "question", "decision") if need_decision else ("pmid", "split", "question")
    questions = []
    for row in _read_jsonl(path, "The evaluation"):
        if any(key not in row for key in fields):
            raise BenchError(f"{path} has a row without one of {', '.join(fields)}; it is not a PubMedQA file.")
        if split is None or row["split"] == split:
            questions.append(
                Question(
                    str(row["pmid"]), row["split"], row["question"], row.get("decision", ""), row.get("long_answer", "")
                )
            )
    if not questions:
        raise BenchError(f"{path} has no question in split {split!r}; use --split dev or --split test.")
    return questions[:limit] if limit else questions


def load_offtopic(path: Path, limit: int | None = None) -> list[str]:
    """Questions a biomedical library cannot answer (JSONL rows with a ``question`` field)."""
    questions = [str(row["question"]) for row in _read_jsonl(path, "The off-topic questions") if row.get("question")]
    return questions[:limit] if limit else questions


def require_gold_articles(library: Library, questions: list[Question]) -> None:
    """Stop with the command that builds the library when it lacks the questions' gold articles."""
    wanted = sorted({q.pmid for q in questions})
    present = library.store.known_pmids(wanted)
    data_dir = library.settings.data_dir
    if len(present) < len(wanted):
        raise BenchError(
            f"the library in {data_dir} holds {len(present)} of the {len(wanted)} gold articles of these questions; "
            f"build it first with `MEDLIT_DATA_DIR={data_dir} {BUILD_COMMAND}` (from the project root)."
        )
    if library.index.ntotal == 0 or library.store.count_pending():
        raise BenchError(
            f"the library in {data_dir} is not fully embedded; finish it with `MEDLIT_DATA_DIR={data_dir} "
            f"{BUILD_COMMAND}` (it resumes where it stopped)."
        )
