"""Proof under load: 20 sessions ask extractive questions at once while an import writes to the library.

The sessions share one ``Library`` object, as the web app's sessions do (``st.cache_resource``);
the import runs in a thread, as the Import page's does. Every question must be answered, with
no "database is locked" or any other error; p50/p95 latencies are printed and saved to
``tests/output/load.json`` for the record.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ingest.formats import iter_file
from ingest.pipeline import ingest
from retrieval.answers.ask import ask
from tests.conftest import FIXTURE_ARTICLES, SHARED_DATA

SESSIONS = 20
IMPORTED = SHARED_DATA / "ncbi" / "pmparser" / "pubmed_sample" / "updatefiles" / "pubmed26n1335.xml.gz"
QUESTIONS = [
    "Do statins prevent cardiovascular events in people with elevated C-reactive protein?",
    "Does vitamin D supplementation prevent fractures in older adults?",
    "Which treatments work for uncomplicated malaria?",
    "Do triptans relieve acute migraine?",
    "Do inhaled corticosteroids reduce asthma exacerbations?",
    "Does cognitive behavioural therapy improve insomnia?",
    "Does hand hygiene reduce hospital infections?",
]


class Started:
    """A reporter that says when the import has started writing (its first stage)."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def stage(self, name: str, total: int | None) -> None:
        self.event.set()

    def advance(self, n: int) -> None:
        pass

    def cancelled(self) -> bool:
        return False


def test_twenty_sessions_ask_while_an_import_runs(library_factory):
    library = library_factory(FIXTURE_ARTICLES)
    ask(library, QUESTIONS[0])  # load the models once, as a running server has
    started = Started()
    outcome: dict = {}

    def run_import() -> None:
        t0 = time.perf_counter()
        outcome["summary"] = ingest(library, iter_file(IMPORTED), kind="test", source=str(IMPORTED), reporter=started)
        outcome["seconds"] = time.perf_counter() - t0
        outcome["ended"] = time.perf_counter()

    importer = threading.Thread(target=run_import)
    importer.start()
    assert started.event.wait(60)

    def session(n: int) -> tuple[float, float, str]:
        t0 = time.perf_counter()
        answer = ask(library, QUESTIONS[n % len(QUESTIONS)], mode="extractive")
        return t0, time.perf_counter() - t0, answer.answer

    with ThreadPoolExecutor(SESSIONS) as pool:
        results = list(pool.map(session, range(SESSIONS)))  # any exception in a session fails the test here
    importer.join(300)
    assert not importer.is_alive() and outcome["summary"].added > 0
    assert all(text for _, _, text in results)
    first_start = min(t0 for t0, _, _ in results)
    assert first_start < outcome["ended"], "the questions must overlap the import"
    latencies = sorted(seconds for _, seconds, _ in results)
    figures = {
        "sessions": SESSIONS,
        "answered": len(results),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "max_s": round(latencies[-1], 3),
        "import_records": outcome["summary"].added,
        "import_s": round(outcome["seconds"], 1),
        "answered_during_import": sum(1 for t0, s, _ in results if t0 + s <= outcome["ended"]),
    }
    out = Path(__file__).parent / "output"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))
    assert library.check().ok
