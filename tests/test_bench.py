"""The benchmark commands, each run in its tiniest form: they finish and save every documented field.

Figures are not checked (they depend on the machine); the shape of each result
file is, since other tools and the README read it. The metric helpers the
figures rest on are checked on small cases with known answers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.citation_checks import check_answer, numbers
from bench.cli import main
from bench.errors import BenchError
from bench.eval_data import load_questions
from bench.gpu_check import measure
from bench.metrics import gold_rank, retrieval_metrics
from bench.pubmedqa_llm import parse_label, without_conclusions
from bench.scale import clustered_vectors, recommend
from retrieval.answers.llm.model_file import bundled_model_path
from retrieval.answers.results import Answer, Citation
from retrieval.library import Library
from retrieval.library.embedding import cuda_available, embedder_for
from retrieval.library.records import AbstractSection, Article
from retrieval.search.results import Hit
from retrieval.settings import Settings
from tests.library_support import FIXTURE_ARTICLES

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"
RUN_FIELDS = {"command", "created_utc", "argv", "machine", "git", "settings", "params", "figures", "notes", "table"}
MACHINE_FIELDS = {"cpu_model", "cores", "ram_bytes"}
LATENCY_FIELDS = {"n", "p50_ms", "p95_ms"}
BY_PMID = {a.pmid: a for a in FIXTURE_ARTICLES}
QUESTIONS = [  # (gold PMID, decision): the article's title is the question, as in PubMedQA
    ("91000001", "yes"),
    ("91000012", "no"),
    ("91000032", "maybe"),
]


@pytest.fixture
def eval_files(tmp_path: Path) -> tuple[Path, Path]:
    questions = tmp_path / "eval.jsonl"
    questions.write_text(
        "".join(
            json.dumps({"pmid": p, "split": "test", "question": BY_PMID[p].title, "decision": d}) + "\n"
            for p, d in QUESTIONS
        )
    )
    offtopic = tmp_path / "offtopic.jsonl"
    offtopic.write_text(json.dumps({"question": "Which team won the 1998 football world cup final?"}) + "\n")
    return questions, offtopic


@pytest.fixture
def library_env(fixture_library: Library, monkeypatch: pytest.MonkeyPatch) -> Library:
    """Point the commands (which read MEDLIT_* settings) at the shared fixture library."""
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(fixture_library.settings.data_dir))
    return fixture_library


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled model from the project's own data folder (built once), with short generations."""
    monkeypatch.setenv("MEDLIT_LLM_MODEL", str(bundled_model_path(REPO_ROOT / "data" / "models")))
    monkeypatch.setenv("MEDLIT_LLM_MAX_TOKENS", "24")


def saved(out: Path, command: str) -> dict:
    data = json.loads((out / f"{command}.json").read_text())
    assert data.keys() >= RUN_FIELDS
    assert data["machine"].keys() >= MACHINE_FIELDS
    assert "commit" in data["git"]
    assert data["settings"]["data_dir"]
    assert len(list(out.glob(f"{command}-*.json"))) == 1  # the timestamped copy beside the latest one
    return data


# ------------------------------------------------------------------------------------- commands
def test_quality_saves_every_figure(library_env: Library, eval_files: tuple[Path, Path], tmp_path: Path) -> None:
    questions, offtopic = eval_files
    out = tmp_path / "results"
    argv = ["quality", "--quick", "--eval-file", str(questions), "--offtopic-file", str(offtopic), "--out", str(out)]
    assert main([*argv, "--backends", "torch-int8"]) == 0
    figures = saved(out, "quality")["figures"]
    assert figures["dense_by_backend"]["torch-int8"].keys() >= {"recall_at_1", "recall_at_10", "mrr", "ranks"}
    for method in ("hybrid", "dense", "bm25"):
        assert {"recall_at_1", "recall_at_10", "mrr", "latency", "ranks"} <= figures["retrieval"][method].keys()
        assert len(figures["retrieval"][method]["ranks"]) == len(QUESTIONS)
    assert {
        "abstention_rate",
        "cites_gold_rate",
        "cites_gold_rate_when_answered",
        "cited_pmids_in_evidence_rate",
        "numbers_in_cited_abstracts_rate",
    } <= figures["answers"].keys()
    assert {"questions", "abstention_rate"} <= figures["offtopic"].keys()


def test_quality_on_a_library_without_the_corpus_says_how_to_build_it(
    tmp_path: Path, eval_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(tmp_path / "empty"))
    questions, offtopic = eval_files
    code = main(["quality", "--eval-file", str(questions), "--offtopic-file", str(offtopic), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "python -m ingest files ../shared/data/corpus/*.xml.gz" in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("quality*.json"))


def test_scale_saves_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results"
    assert main(["scale", "--quick", "--vectors", "3000", "--queries", "10", "--out", str(out)]) == 0
    figures = saved(out, "scale")["figures"]
    assert [r["kind"] for r in figures["indexes"]] == ["flat", "ivf-sq8", "hnsw", "ivf-pq"]
    pq = figures["indexes"][-1]
    assert pq["codes_only_recall_at_10"] is not None and pq["recall_at_10"] >= pq["codes_only_recall_at_10"]
    for row in figures["indexes"]:
        assert {"vectors", "build_s", "index_bytes", "rss_bytes", "search", "search_by_threads", "recall_at_10"} <= (
            row.keys()
        )
        assert row["search"].keys() >= LATENCY_FIELDS
    assert {"recommended_approx_index_min_vectors", "current_approx_index_min_vectors", "reason"} <= figures[
        "recommendation"
    ].keys()


def test_entities_saves_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results"
    assert main(["entities", "--quick", "--out", str(out), "--limit", "10", "--sample", "8"]) == 0
    figures = saved(out, "entities")["figures"]
    for kind in ("Chemical", "Disease", "all"):
        assert {"precision", "recall", "f1"} <= figures["bc5cdr_test"]["mentions"][kind].keys()
    assert figures["ncbi_disease_test"]["mentions"]["Disease"]["gold"] > 0
    assert {"f1"} <= figures["bc5cdr_test"]["relations_end_to_end"].keys()
    assert figures["throughput"]["abstracts"] == 8 and figures["throughput"]["abstracts_per_s"] > 0
    assert figures["model"]["bytes"] <= 25 * 2**20


@pytest.mark.llm
def test_speed_saves_every_figure(
    library_env: Library, llm_env: None, eval_files: tuple[Path, Path], tmp_path: Path
) -> None:
    questions, _ = eval_files
    out = tmp_path / "results"
    argv = [
        "speed", "--quick", "--out", str(out), "--eval-file", str(questions),
        "--parse-files", str(SHARED / "ncbi" / "biopython" / "Entrez" / "pubmed4.xml"),  # an http:// DOCTYPE
        "--ingest-files", str(SHARED / "ncbi" / "biopython" / "Entrez" / "pubmed1.xml"),
        "--embed-n", "4", "--backends", "torch", "--questions", "1", "--llm-questions", "1",
    ]  # fmt: skip
    assert main(argv) == 0
    figures = saved(out, "speed")["figures"]
    assert [r["parser"] for r in figures["parse"]] == ["Bio.Entrez.read (baseline)", "MedLit iter_pubmed_xml"]
    assert figures["parse"][0]["articles"] == figures["parse"][1]["articles"] > 0
    for row in figures["parse"]:
        assert {"seconds", "articles_per_s", "peak_rss_bytes", "peak_rss_increase_bytes"} <= row.keys()
    assert [r["backend"] for r in figures["embedding"]] == ["sentence-transformers loop", "torch"]
    for row in figures["embedding"]:
        assert {"abstracts_per_s", "seconds", "load_s", "mean_cosine_to_baseline"} <= row.keys()
    assert {"seconds", "articles", "chunks", "articles_per_s", "peak_rss_bytes"} <= figures["ingest"].keys()
    assert figures["ingest"]["articles"] > 0
    latency = figures["latency"]
    for path in (
        "search_hybrid",
        "search_dense",
        "search_bm25",
        "answer_extractive",
        "llm_first_token",
        "llm_generate_and_verify",
    ):
        assert latency[path].keys() >= LATENCY_FIELDS


@pytest.mark.llm
def test_answers_llm_saves_every_figure(
    library_env: Library, llm_env: None, eval_files: tuple[Path, Path], tmp_path: Path
) -> None:
    questions, _ = eval_files
    out = tmp_path / "results"
    assert main(["pubmedqa-llm", "--llm", "--limit", "1", "--eval-file", str(questions), "--out", str(out)]) == 0
    data = saved(out, "pubmedqa-llm")
    figures = data["figures"]
    for setting in ("official", "retrieval"):
        assert {"accuracy", "correct", "predicted", "latency"} <= figures[setting].keys()
        assert sum(figures[setting]["predicted"].values()) == 1
        assert len(figures["replies"][setting]) == 1
    assert figures["majority_baseline"] == {"label": "yes", "accuracy": 1.0}
    assert figures["published_test_accuracy"]["single human annotator (published)"] == 0.78
    assert "GPT-4 with MedRAG" in data["table"]


def test_retrieval_questions_need_no_decision_but_answer_accuracy_does(tmp_path: Path) -> None:
    paraphrases = tmp_path / "paraphrases.jsonl"
    paraphrases.write_text(json.dumps({"pmid": "91000001", "split": "dev", "question": "Does it work?"}) + "\n")
    assert [(q.pmid, q.decision) for q in load_questions(paraphrases, "dev")] == [("91000001", "")]
    with pytest.raises(BenchError, match="decision"):
        load_questions(paraphrases, "dev", need_decision=True)


# ---------------------------------------------------------------------------------- metrics
def test_retrieval_metrics_count_ranks_and_misses() -> None:
    assert gold_rank(["1", "2", "3"], "2") == 2
    assert gold_rank(["1", "2", "3"], "9") is None
    metrics = retrieval_metrics([1, 2, None, 11])
    assert metrics == {"recall_at_1": 0.25, "recall_at_10": 0.5, "mrr": round((1 + 0.5 + 1 / 11) / 4, 4)}


def test_the_official_context_drops_only_the_conclusions() -> None:
    article = Article(
        pmid="1",
        abstract=[
            AbstractSection("Aim text.", "OBJECTIVE", "OBJECTIVE"),
            AbstractSection("Found 12%.", "RESULTS", "RESULTS"),
            AbstractSection("So it works.", "CONCLUSION", ""),
            AbstractSection("Truly.", "Conclusions", "CONCLUSIONS"),
        ],
    )
    assert without_conclusions(article) == "Aim text. Found 12%."


def test_labels_are_read_from_short_replies() -> None:
    assert parse_label("Yes.") == "yes"
    assert parse_label("Maybe, the evidence is mixed") == "maybe"
    assert parse_label("NO") == "no"
    assert parse_label("Nothing conclusive") is None  # "no" inside a word is not a label


def test_citation_checks_catch_foreign_pmids_and_invented_numbers(fixture_library: Library) -> None:
    cited = BY_PMID["91000001"]
    hit = Hit(cited.pmid, cited.title, cited.year, cited.journal, [], "RCT", False, 1.0, article=cited)
    good = Answer("q", "Rosuvastatin reduced events by 44% in 17,802 adults [91000001].", False,
                  [Citation(cited.pmid, cited.title, "s")], [hit])  # fmt: skip
    check = check_answer(good, fixture_library.store)
    assert check.cites_only_evidence and check.numbers_supported
    bad = Answer("q", "Events fell by 61% [91000001; 91000012].", False, [], [hit])
    check = check_answer(bad, fixture_library.store)
    assert check.outside_evidence == {"91000012"}
    assert check.unsupported_numbers == {"61"}
    assert numbers("17,802 people, 1.9 years, 2,256.") == {"17802", "1.9", "2256"}


def test_recommendation_extrapolates_exact_search_linearly() -> None:
    def flat(n: int, p95_default: float, p95_single: float) -> dict:
        search = {"n": 10, "p50_ms": p95_single, "p95_ms": p95_default}
        return {"kind": "flat", "vectors": n, "search": search, "recall_at_10": 1.0, "search_by_threads": {
            "default": {"p95_ms": p95_default}, "single": {"p95_ms": p95_single}}}  # fmt: skip

    advice = recommend([flat(10_000, 9.0, 3.0), flat(1_000_000, 400.0, 200.0)], 20.0, 250_000)
    assert advice["faiss_threads"] == "single"
    assert advice["recommended_approx_index_min_vectors"] == 100_000


def test_synthetic_vectors_are_unit_length_and_clustered() -> None:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((4, 384)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors = clustered_vectors(400, rng, centres, block=128)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    best_centre = (vectors @ centres.T).max(axis=1)
    assert best_centre.mean() > 0.6  # near their own centre, far from random directions (cosine ~0)


def test_settings_in_results_hide_credentials() -> None:
    from bench.report import settings_snapshot

    snapshot = settings_snapshot(Settings(api_key="secret", llm_api_key="other"))
    assert "secret" not in json.dumps(snapshot) and "other" not in json.dumps(snapshot)


@pytest.mark.skipif(cuda_available(), reason="this machine has a CUDA GPU")
def test_gpu_check_says_plainly_that_no_gpu_is_present(tmp_path: Path, capsys) -> None:
    assert main(["gpu", "--quick", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == "error: No CUDA GPU is present here (torch sees none): the GPU check has nothing to run on.\n"
    assert not list(tmp_path.iterdir())


def test_gpu_check_times_every_chunk_and_compares_a_spread_sample() -> None:
    embedder = embedder_for(Settings(embedding_backend="torch", embedding_device="cpu"))
    texts = [f"{a.title}\n{a.abstract[0].text}" for a in FIXTURE_ARTICLES[:6]]
    compared: list[list[str]] = []

    def reference(sample: list[str]) -> np.ndarray:
        compared.append(sample)
        return embedder.encode(sample)

    figures = measure(embedder.encode_bucketed, reference, texts, sample=3, repeats=1)
    assert compared == [[texts[0], texts[2], texts[5]]]
    assert (figures["chunks"], figures["sample"]) == (6, 3) and figures["chunks_per_s"] > 0
    assert figures["min_cosine_to_cpu_float32"] >= 0.9999
