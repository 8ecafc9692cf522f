"""GPU check: chunks/s of MedLit's own embedder on a CUDA GPU, and how close its vectors are to a CPU's.

Embeds ``--chunks`` real chunks end to end (texts in, normalised float32 vectors
out: tokenising, bucketing, float16 model, copy back) with the ``Embedder`` a
GPU library is built with, after one warm-up batch. The texts are the chunks of
the library in ``MEDLIT_DATA_DIR``, or, when it holds none, the shared corpus
chunked as the library chunks it; when there are fewer than asked, they are
repeated. A sample spread over them is embedded again on the CPU in float32
(the reference backend): mean and min cosine say whether a GPU-built library can
be queried from a CPU. Targets: 10,000 chunks/s, cosine 0.9999.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable, Sequence

import numpy as np

from bench.errors import BenchError
from bench.eval_data import CORPUS_DIR
from bench.report import BenchResult, Table
from bench.stats import median
from retrieval.library import Library
from retrieval.library.chunking import make_chunker
from retrieval.library.embedding import CUDA_BATCH, Embedder, cuda_available
from retrieval.library.records import Article
from retrieval.library.store import embedding_text
from retrieval.settings import get_settings

HELP = "chunks/s of the embedder on a CUDA GPU and cosine of its vectors to CPU float32"
Embed = Callable[[Sequence[str]], np.ndarray]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--chunks", type=int, help="chunks embedded per timed run (default 100,000; quick 20,000)")
    parser.add_argument(
        "--sample", type=int, help="chunks also embedded on CPU for the cosine (default 512; quick 128)"
    )


def library_chunks(library: Library, n: int) -> list[str]:
    """Up to ``n`` chunks of the library, as they were embedded (title + chunk)."""
    return [text for _, text in itertools.islice(library.store.chunk_texts(), n)]


def corpus_chunks(embedder: Embedder, chunk_tokens: int, n: int) -> list[str]:
    """Up to ``n`` chunks of the shared corpus, chunked and titled as the library does it."""
    from ingest.formats.pubmed_xml import iter_pubmed_xml

    chunk = make_chunker(embedder.count_tokens, min(chunk_tokens, embedder.max_tokens))
    texts: list[str] = []
    for path in sorted(CORPUS_DIR.glob("*.xml.gz")):
        for item in iter_pubmed_xml(path):
            if isinstance(item, Article):
                texts += [embedding_text(item.title, text, i) for i, text in enumerate(chunk(item))]
                if len(texts) >= n:
                    return texts[:n]
    return texts


def measure(embed: Embed, reference: Embed, texts: list[str], sample: int, repeats: int) -> dict:
    """End-to-end chunks/s of ``embed`` (median of ``repeats``) and cosine to ``reference`` on a spread sample."""
    embed(texts[:CUDA_BATCH])  # warm-up: kernels chosen, memory pools filled
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        vectors = embed(texts)
        seconds.append(time.perf_counter() - start)
    picked = np.unique(np.linspace(0, len(texts) - 1, min(sample, len(texts))).astype(int))
    cosines = np.sum(vectors[picked] * reference([texts[i] for i in picked]), axis=1)
    return {
        "chunks": len(texts),
        "seconds": round(median(seconds), 3),
        "chunks_per_s": round(len(texts) / median(seconds), 1),
        "sample": len(picked),
        "mean_cosine_to_cpu_float32": round(float(cosines.mean()), 7),
        "min_cosine_to_cpu_float32": round(float(cosines.min()), 7),
    }


def run(args: argparse.Namespace) -> BenchResult:
    if not cuda_available():
        raise BenchError("No CUDA GPU is present here (torch sees none): the GPU check has nothing to run on.")
    settings = get_settings()
    n = args.chunks or (20_000 if args.quick else 100_000)
    sample = args.sample or (128 if args.quick else 512)
    start = time.perf_counter()
    gpu = Embedder(settings, backend="torch", device="cuda")
    load_s = time.perf_counter() - start
    library = Library(settings)
    pool = library_chunks(library, n)
    source = f"the library in {settings.data_dir}"
    if not pool:
        pool, source = corpus_chunks(gpu, library.chunk_tokens, n), f"the shared corpus ({CORPUS_DIR})"
    if not pool:
        raise BenchError(f"No chunks to embed: {settings.data_dir} holds no library and {CORPUS_DIR} no corpus.")
    texts = [pool[i % len(pool)] for i in range(n)]
    cpu = Embedder(settings, backend="torch", device="cpu")
    figures = measure(gpu.encode, cpu.encode, texts, sample, args.repeats)
    figures |= {"distinct_chunks": len(pool), "source": source, "load_s": round(load_s, 2)}
    figures["mean_tokens"] = round(float(np.mean(gpu.count_tokens(texts[:: max(1, n // sample)]))), 1)
    table = Table(
        f"Embedding {n:,} chunks on CUDA, float16, batches of {gpu.batch_size:,} (median of {args.repeats})",
        ["chunks/s", "seconds", "load s", "mean tokens", "mean cosine to CPU float32", "min cosine"],
        [
            [
                figures["chunks_per_s"],
                figures["seconds"],
                figures["load_s"],
                figures["mean_tokens"],
                f"{figures['mean_cosine_to_cpu_float32']:.7f}",  # the table's 3 decimals would show 1.000
                f"{figures['min_cosine_to_cpu_float32']:.7f}",
            ]
        ],
    )
    notes = [f"{len(pool):,} distinct chunks from {source}" + (", repeated" if len(pool) < n else "")]
    return BenchResult(
        command="gpu",
        params={"chunks": n, "sample": sample, "repeats": args.repeats, "data_dir": str(settings.data_dir)},
        figures=figures,
        tables=[table],
        settings=settings,
        notes=notes,
    )
