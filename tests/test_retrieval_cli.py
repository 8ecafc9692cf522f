"""``python -m retrieval``: JSON shapes, batch order, readable output and one-sentence errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.cli import main
from retrieval.library import Library
from tests.library_support import ASTHMA, MALARIA, RETRACTED

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def on_fixture(fixture_library: Library, monkeypatch) -> Library:
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(fixture_library.settings.data_dir))
    return fixture_library


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json(on_fixture, capsys):
    code, out, _ = run(capsys, "search", "severe malaria in children", "--k", "3", "--json", "--exclude-retracted")
    assert code == 0
    data = json.loads(out)
    assert data["results"][0]["pmid"] == MALARIA[0]
    assert len(data["results"]) == 3
    assert {"pmid", "title", "year", "publication_types", "level", "score", "retracted", "sentences"} <= set(
        data["results"][0]
    )


def test_search_filters_and_readable_output(on_fixture, capsys):
    code, out, _ = run(capsys, "search", "asthma", "--collection", "asthma reading", "--year-from", "2010")
    assert code == 0
    assert f"PMID {ASTHMA[0]}" in out and f"PMID {ASTHMA[2]}" in out and f"PMID {ASTHMA[1]}" not in out
    assert out.lstrip().startswith("1. [")


def test_search_shows_retraction(on_fixture, capsys):
    _, out, _ = run(capsys, "search", "magnesium for chronic migraine", "--k", "3")
    line = next(x for x in out.splitlines() if f"PMID {RETRACTED}" in x)
    assert "RETRACTED" in line


def test_ask_json_shape(on_fixture, capsys):
    code, out, _ = run(capsys, "ask", "Do inhaled steroids stunt growth in children with asthma?", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"question", "answer", "abstained", "citations", "evidence", "timings_ms"} <= set(data)
    assert not data["abstained"]
    assert all(set(c) == {"pmid", "title", "sentence"} for c in data["citations"])
    assert {"pmid", "title", "year", "publication_types", "level", "score"} <= set(data["evidence"][0])


def test_ask_readable_output(on_fixture, capsys):
    code, out, _ = run(capsys, "ask", "Do statins prevent heart attacks in people at low risk?")
    assert code == 0
    assert "Bottom line:" in out and "Cited:" in out
    assert any(line.startswith("- ") and line.rstrip().endswith("]") for line in out.splitlines())


def test_ask_batch_keeps_input_order_and_reports_bad_lines(on_fixture, capsys, tmp_path):
    questions = [
        "What is the best treatment for severe malaria in children?",
        "How long should sourdough bread proof before baking?",
        "",
        "Does vitamin D supplementation prevent fractures?",
    ]
    batch = tmp_path / "questions.jsonl"
    lines = [json.dumps({"question": questions[0]}), questions[1], "   ", json.dumps({"question": "  "}), questions[3]]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "ask", "--batch", str(batch), "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == [questions[0], questions[1], "  ", questions[3]]
    assert [r.get("abstained") for r in rows] == [False, True, None, False]
    assert "empty" in rows[2]["error"]


def test_summarize_json(on_fixture, capsys):
    code, out, _ = run(capsys, "summarize", "--collection", "asthma reading", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["articles"] == 3 and data["themes"] and data["counts_by_level"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "   "], "query is empty"),
        (["ask", ""], "empty"),
        (["search", "asthma", "--collection", "nope"], "no collection named 'nope'"),
        (["ask"], "either one question or --batch"),
        (["ask", "--batch", "/no/such/file.txt", "--json"], "Cannot read the batch file"),
        (["summarize"], "query or a collection"),
    ],
)
def test_user_errors_are_one_sentence_and_exit_2(on_fixture, capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_module_entry_point_on_an_empty_library(tmp_path):
    env = {**os.environ, "MEDLIT_DATA_DIR": str(tmp_path / "empty"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "retrieval", "ask", "Does aspirin prevent strokes?"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: The library is empty: import PubMed articles first, then search again."
