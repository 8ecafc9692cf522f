"""``python -m ingest``: get PubMed records into the library, and inspect it.

Every run ends with a one-line summary (added / updated / deleted / skipped /
failed); errors are one clear sentence on stderr, never a traceback (a bug is
reported as such, see ``retrieval.errors``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path

from ingest.formats import READERS
from ingest.imports import ImportResult, import_files, import_pmids, import_query
from ingest.progress import Reporter, TqdmReporter
from ingest.update import UpdateError, update
from retrieval.errors import UserError, reported
from retrieval.guard import check
from retrieval.library import Library
from retrieval.library.collections import Collections
from retrieval.library.store import BLOBS, MOVING, SHARDS
from retrieval.settings import get_settings


def expand_paths(paths: Sequence[str]) -> list[Path]:
    """Files named or found in folders, in NLM order (file name), so update files apply after the baseline."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(tuple(READERS)))
        elif path.is_file():
            found.append(path)
        else:
            raise UserError(f"No such file or folder: {raw}")
    return sorted(found, key=lambda p: (p.name, str(p)))


def run_files(library: Library, args: argparse.Namespace, reporter: Reporter) -> ImportResult:
    paths = expand_paths(args.paths)
    with library.bulk_load() if args.bulk else nullcontext():
        if args.ray is None:
            return import_files(library, paths, reporter)
        from ingest.distributed import import_files_on_ray  # Ray is an extra: only --ray needs it

        return import_files_on_ray(library, paths, reporter, address=args.ray or None, workers=args.workers)


def positive(text: str) -> int:
    """An argument that must be a whole number of 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def redacted_query(args: argparse.Namespace) -> str:
    """The query to send: as typed, or with ``--send-redacted`` its redacted version (said on stderr)."""
    if not args.send_redacted:
        return args.query
    result = check(args.query)
    if not result.clean:
        print(f"sending the redacted query ({result.kinds()} removed): {result.redacted}", file=sys.stderr)
    return result.redacted


def run_pubmed(library: Library, args: argparse.Namespace, reporter: Reporter) -> ImportResult:
    query = redacted_query(args)
    listed: list[str] = []
    result = import_query(
        library, query, reporter, max_records=args.max, mindate=args.mindate, maxdate=args.maxdate, listed=listed
    )
    if args.save:
        save_query(library, args.save, query, listed)
    return result


def save_query(library: Library, name: str, query: str, pmids: list[str]) -> None:
    """Keep ``query`` current: ``update`` re-runs it and lists what is new (the "What's new" page)."""
    shelves = Collections(library.store)
    if shelves.find_pubmed_query(query) is not None:
        print("the query is already saved; `python -m ingest update` keeps it current", file=sys.stderr)
        return
    saved = shelves.save_pubmed_query(name, query, pmids)
    print(f"saved as {saved.name!r}: `python -m ingest update` re-runs it and lists what is new", file=sys.stderr)


def run_update(library: Library, args: argparse.Namespace, reporter: Reporter) -> ImportResult:
    mirror = args.mirror or library.settings.update_mirror_url
    try:
        report = update(
            library,
            mirror,
            reporter,
            files=not args.no_files,
            queries=not args.no_queries,
            on_step=lambda step: print(f"updating: {step}", file=sys.stderr),
        )
    except UpdateError as error:
        raise UserError(str(error)) from error
    report.summary.failed += sum(1 for q in report.queries if q.error)
    return ImportResult(report.summary, list(report.lines()))


def read_pmids(args: argparse.Namespace) -> list[str]:
    pmids = list(args.pmids)
    if args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(f"Cannot read the PMID list {args.file}: {error.strerror}.") from error
        pmids += text.replace(",", " ").split()
    if args.send_redacted and not all(p.isdigit() for p in pmids):
        result = check(" ".join(pmids))
        kept = [p for p in result.redacted.split() if p.isdigit()]
        print(f"sending the {len(kept)} PMIDs left after redaction ({result.kinds()} removed)", file=sys.stderr)
        pmids = kept
    if not pmids:
        raise UserError("Give PMIDs on the command line or a file of PMIDs with --file.")
    return pmids


def run_pmids(library: Library, args: argparse.Namespace, reporter: Reporter) -> ImportResult:
    return import_pmids(library, read_pmids(args), reporter)


STORED_AS = {
    BLOBS: "as float32 in the database",
    MOVING: "as float16 shards (the rest moves there at the next ingest)",
    SHARDS: "as float16 shards beside the database",
}


def shard_line(shards: dict) -> str:
    """The shard files' rows, the dead share the next compaction acts on, and what the last one gave back."""
    line = (
        f"{shards['files']:,} files, {shards['rows']:,} rows, {shards['dead_rows']:,} dead"
        f" ({shards['dead_share']:.1%}; a shard is compacted above {shards['compact_above']:.0%})"
    )
    last = shards["last_compaction"]
    if last:
        line += f"; last compacted {last['at']}: {last['shards']} shards, {last['bytes'] / 1e6:,.1f} MB given back"
    return line


def show_status(library: Library, args: argparse.Namespace) -> int:
    status = library.status()
    if args.json:
        print(json.dumps(status, indent=2, default=str))
        return 0
    last = status["last_ingest"]
    print(f"articles        {status['articles']:,} ({status['with_abstract']:,} with abstract,", end=" ")
    print(f"{status['retracted']} retracted)")
    print(f"chunks          {status['chunks']:,} ({status['pending_embeddings']:,} waiting for embedding)")
    stored = STORED_AS[status["vector_storage"]]
    print(f"vectors         {status['vectors']:,} in a {status['index_type']} index, stored {stored}")
    built = f"{status['embedding_backend']}, built on {status['embedding_device']}"
    print(f"embedding model {status['embedding_model']} ({built})")
    if status["vector_shards"]["rows"]:
        print(f"vector shards   {shard_line(status['vector_shards'])}")
    print(f"keyword index   {status['keyword_engine']}")
    print(f"data            {status['data_bytes'] / 1e6:,.1f} MB in {status['data_dir']}")
    if last:
        print(f"last ingest     {last['kind']} {last['source']} at {last['started_at']}: {last['status']}")
    return 0


def run_check(library: Library, args: argparse.Namespace) -> int:
    report = library.check(repair=args.repair)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    elif report.ok and not report.repaired:
        print("ok: every vector has its chunk and article, every chunk its vector")
    else:
        for problem in report.problems:
            print(f"problem: {problem}")
        print("repaired: store and index agree now" if report.ok else "not ok: run `python -m ingest check --repair`")
    if report.stray_vector_files and not args.json:
        print(f"note: {report.stray_vector_files} vector shard files belong to no row (a stopped compaction's);")
        print("      the next ingest or `python -m ingest check --repair` removes them")
    return 0 if report.ok else 1


def run_keyword_index(library: Library, args: argparse.Namespace) -> int:
    """Build the keyword index again from the store, on the engine asked for (the library keeps to it after)."""
    engine = args.engine or library.settings.keyword_engine
    reporter = TqdmReporter(disable=args.quiet)
    reporter.stage("keywords", library.store.article_count())
    try:
        count = library.rebuild_keyword_index(engine, progress=reporter.advance)
    finally:
        reporter.close()
    print(f"keyword index: {count:,} articles on {engine}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Get PubMed records into the MedLit library.")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="command", required=True)

    files = sub.add_parser("files", help="PubMed XML (.xml, .xml.gz) or MEDLINE text (.txt, .nbib) files or folders")
    files.add_argument("paths", nargs="+")
    files.add_argument(
        "--bulk",
        action="store_true",
        help="build the FTS5 index once at the end, not record by record (a large load nobody searches meanwhile)",
    )
    files.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="parse and embed on Ray (make install-ray): a local instance, or the cluster at ADDRESS or RAY_ADDRESS",
    )
    files.add_argument("--workers", type=positive, help="with --ray: embedding workers (default: one per Ray CPU)")

    pubmed = sub.add_parser("pubmed", help="a PubMed query, fetched live through NCBI E-utilities")
    pubmed.add_argument("query")
    pubmed.add_argument("--max", type=int, default=None, help="at most this many records")
    pubmed.add_argument("--mindate", help="publication date from (YYYY, YYYY/MM or YYYY/MM/DD)")
    pubmed.add_argument("--maxdate", help="publication date to")
    pubmed.add_argument("--save", metavar="NAME", help="keep this query current: `update` re-runs it")
    pubmed.add_argument(
        "--send-redacted", action="store_true", help="if the query holds patient identifiers, send it redacted"
    )

    pmids = sub.add_parser("pmids", help="fetch the given PMIDs")
    pmids.add_argument("pmids", nargs="*")
    pmids.add_argument("--file", help="a file of PMIDs (whitespace or comma separated)")
    pmids.add_argument(
        "--send-redacted", action="store_true", help="if the list holds patient identifiers, send only its PMIDs"
    )

    upd = sub.add_parser("update", help="apply new NLM update files and re-run saved PubMed queries")
    upd.add_argument("--mirror", help="where the update files are listed (default MEDLIT_UPDATE_MIRROR_URL)")
    upd.add_argument("--no-files", action="store_true", help="skip the update files")
    upd.add_argument("--no-queries", action="store_true", help="skip the saved PubMed queries")

    status = sub.add_parser("status", help="what the library holds")
    status.add_argument("--json", action="store_true")

    check = sub.add_parser("check", help="prove that store and index agree")
    check.add_argument("--repair", action="store_true", help="repair a mismatch")
    check.add_argument("--json", action="store_true")

    keywords = sub.add_parser("keyword-index", help="build the keyword (BM25) index again, or on another engine")
    keywords.add_argument(
        "--engine",
        choices=["fts5", "tantivy", "opensearch"],
        help="default MEDLIT_KEYWORD_ENGINE (fts5); tantivy and opensearch are extras",
    )
    return parser


COMMANDS: dict[str, Callable[[Library, argparse.Namespace, Reporter], ImportResult]] = {
    "files": run_files,
    "pubmed": run_pubmed,
    "pmids": run_pmids,
    "update": run_update,
}


def run(args: argparse.Namespace) -> int:
    library = Library(get_settings())
    if args.command == "status":
        return show_status(library, args)
    if args.command == "check":
        return run_check(library, args)
    if args.command == "keyword-index":
        return run_keyword_index(library, args)
    reporter = TqdmReporter(disable=args.quiet)
    try:
        result = COMMANDS[args.command](library, args, reporter)
    finally:
        reporter.close()
    for message in result.messages:
        print(message, file=sys.stderr)
    if result.failure:
        raise UserError(result.failure)
    print(result.summary.line())
    return 1 if result.summary.failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return reported(lambda: run(args))
    except KeyboardInterrupt:
        print("interrupted: committed records are kept; run the same command again to resume", file=sys.stderr)
        return 130
