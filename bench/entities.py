"""Entities: chemical and disease recognition, concepts and induced-disease relations.

- strict mention precision, recall and F1 per type (exact start, end and type) on BC5CDR test
  (chemicals and diseases) and NCBI-disease test (diseases);
- document-level chemical-induced-disease relation F1 on BC5CDR test, end to end (the model's
  own entities and concepts; the BioCreative V CDR measure) and on the gold entities;
- throughput of extraction (recognition + concepts + relations) on corpus abstracts, median of
  the repeats, in this process on the machine's cores;
- what extraction adds to the shared corpus ingest: its articles divided by that throughput,
  against the ingest time of the latest ``bench speed`` result (extrapolated, not a second
  full ingest; ``--ingest-sample N`` also times ``python -m ingest files`` with and without
  extraction on the first N corpus articles).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.children import run_child
from bench.errors import BenchError
from bench.report import RESULTS_DIR, BenchResult, Table
from retrieval.settings import get_settings

HELP = "entity mention P/R/F1 (BC5CDR, NCBI-disease test), CID relation F1, throughput, added ingest time"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", type=Path, default=SHARED / "raw", help="the shared raw/ folder (PubTator files)")
    parser.add_argument("--sample", type=int, default=None, help="corpus abstracts timed (default 512, quick 128)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents of each test set")
    parser.add_argument(
        "--ingest-sample", type=int, default=0, help="also time a real ingest of this many corpus articles, twice"
    )


def corpus_texts(n: int) -> list[tuple[str, str]]:
    from ingest.formats.pubmed_xml import iter_pubmed_xml
    from retrieval.library.records import Article

    out: list[tuple[str, str]] = []
    for path in sorted((SHARED / "corpus").glob("*.xml*")):
        for item in iter_pubmed_xml(path):
            if isinstance(item, Article):
                out.append((item.title, item.abstract_text))
                if len(out) == n:
                    return out
    return out


def throughput(n: int, repeats: int) -> dict:
    from retrieval.library.entities import article_text, extractor

    ex = extractor()
    articles = corpus_texts(n)
    texts = [article_text(t, a) for t, a in articles]
    ex.extract(texts[:16])  # warm-up
    rates, cpu_rates = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        ex.extract(texts, [len(t) for t, _ in articles])
        rates.append(len(texts) / (time.perf_counter() - start))
        cpu_rates.append(len(texts) / (time.process_time() - cpu))
    return {
        "abstracts": len(texts),
        "abstracts_per_s": round(statistics.median(rates), 1),
        "abstracts_per_cpu_s": round(statistics.median(cpu_rates), 1),
        "runs": rates,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cores": os.cpu_count(),
    }


def ingest_sample(n: int) -> dict:
    """Time ``python -m ingest files`` on the first ``n`` corpus articles, with and without the entity stage."""
    with tempfile.TemporaryDirectory(prefix="medlit-entities-") as tmp:
        sample = Path(tmp) / "sample.xml"
        _write_sample(n, sample)
        out = {}
        for label, flag in (("with_entities", "1"), ("without_entities", "0")):
            data = Path(tmp) / label
            env = {"MEDLIT_DATA_DIR": str(data), "MEDLIT_EXTRACT_ENTITIES": flag}
            out[label] = round(run_child(["-m", "ingest", "--quiet", "files", str(sample)], env=env).seconds, 2)
        return out | {"articles": n}


def _write_sample(n: int, path: Path) -> None:
    from lxml import etree

    articles = []
    for source in sorted((SHARED / "corpus").glob("*.xml.gz")):
        with gzip.open(source) as fh:
            for _, element in etree.iterparse(fh, tag="PubmedArticle"):
                articles.append(etree.tostring(element))
                if len(articles) == n:
                    break
        if len(articles) == n:
            break
    path.write_bytes(b"<PubmedArticleSet>" + b"".join(articles) + b"</PubmedArticleSet>")


def run(args: argparse.Namespace) -> BenchResult:
    from retrieval.library.entities import MODEL_DIR, extractor
    from retrieval.library.entities.evaluation import evaluate, model_size_bytes
    from retrieval.library.entities.pubtator import CHEMICAL, DISEASE, load

    if not (args.raw / "bc5cdr").is_dir():
        raise BenchError(f"the annotated corpora are not in {args.raw} (expected bc5cdr/, ncbi_disease/)")
    ex = extractor()
    limit = args.limit
    bc5cdr = evaluate(ex, load(args.raw, "bc5cdr", "test")[:limit], (CHEMICAL, DISEASE), relations=True)
    ncbi = evaluate(ex, load(args.raw, "ncbi_disease", "test")[:limit], (DISEASE,), relations=False)
    speed = throughput(args.sample or (128 if args.quick else 512), args.repeats)

    latest = RESULTS_DIR / "speed.json"
    ingest: dict = {}
    if latest.is_file():
        recorded = json.loads(latest.read_text())["figures"].get("ingest", {})
        if "seconds" in recorded:
            added = recorded["articles"] / speed["abstracts_per_s"]
            added_cpu = recorded["articles"] / speed["abstracts_per_cpu_s"]
            ingest = {
                "corpus_articles": recorded["articles"],
                "ingest_seconds_recorded": recorded["seconds"],
                "extraction_seconds_extrapolated": round(added, 1),
                "added_percent": round(100 * added / recorded["seconds"], 1),
                "extraction_cpu_seconds_extrapolated": round(added_cpu, 1),
                "added_percent_on_a_free_core": round(100 * added_cpu / recorded["seconds"], 1),
                "how": "corpus articles / measured abstracts per second (wall clock; and per CPU second, what one "
                "free core gives: extraction runs on one core), against the ingest time in bench/results/speed.json",
            }
    if args.ingest_sample:
        ingest["sample"] = ingest_sample(args.ingest_sample)
        s = ingest["sample"]
        s["added_percent"] = round(100 * (s["with_entities"] - s["without_entities"]) / s["without_entities"], 1)

    rows = []
    for name, scores in (("BC5CDR test", bc5cdr["mentions"]), ("NCBI-disease test", ncbi["mentions"])):
        for kind, s in scores.items():
            rows.append([f"{name}: {kind}", s["precision"], s["recall"], s["f1"], s["gold"]])
    rel = [
        ["end to end (own entities and concepts)", *_prf(bc5cdr["relations_end_to_end"])],
        ["on the gold entities", *_prf(bc5cdr["relations_on_gold_entities"])],
    ]
    other = [
        ["abstracts/s, wall clock (corpus abstracts, extraction only)", speed["abstracts_per_s"]],
        ["abstracts per CPU second (the same run)", speed["abstracts_per_cpu_s"]],
        ["load average while measured / cores", f"{speed['load_average_1min']} / {speed['cores']}"],
        ["added to the corpus ingest, % (extrapolated, wall clock)", ingest.get("added_percent")],
        ["added to the corpus ingest, % (extrapolated, one free core)", ingest.get("added_percent_on_a_free_core")],
        ["concepts right on the mentions found (BC5CDR test), %", bc5cdr["concept_accuracy_on_found_mentions"]],
        ["model size, MB", round(model_size_bytes(MODEL_DIR) / 2**20, 1)],
    ]
    if "sample" in ingest:
        other.append(
            [f"added to an ingest of {args.ingest_sample} articles, % (measured)", ingest["sample"]["added_percent"]]
        )
    provenance = json.loads((MODEL_DIR / "provenance.json").read_text())
    return BenchResult(
        command="entities",
        params={"raw": str(args.raw), "sample": speed["abstracts"], "repeats": args.repeats, "limit": limit},
        figures={
            "bc5cdr_test": bc5cdr,
            "ncbi_disease_test": ncbi,
            "throughput": speed,
            "ingest": ingest,
            "model": {"bytes": model_size_bytes(MODEL_DIR), "provenance": provenance},
        },
        tables=[
            Table("Mentions, strict (exact span and type)", ["corpus: type", "P", "R", "F1", "gold"], rows),
            Table("Chemical-induced disease, BC5CDR test, document level", ["", "P", "R", "F1"], rel),
            Table("Speed and size", ["", "value"], other),
        ],
        settings=get_settings(),
    )


def _prf(s: dict) -> list[float]:
    return [s["precision"], s["recall"], s["f1"]]
