"""Child process of ``bench speed``: parse PubMed XML files with one parser, report time and memory.

Each parser runs in its own fresh process, so its peak resident memory is its
own, not what an earlier run left allocated. Prints one JSON object.

Parsers: ``medlit`` (``ingest.formats.pubmed_xml.iter_pubmed_xml``, streaming) and
``entrez`` (``Bio.Entrez.read``, the usual Biopython way, which builds the
whole file in memory). Biopython 1.88 refuses a DOCTYPE with an ``http://``
URL, so for the baseline that line is rewritten to ``https://`` in memory.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import resource
import time
from pathlib import Path
from typing import BinaryIO

import psutil

HTTP_DTD = re.compile(rb'(<!DOCTYPE[^>]*?")http://', re.IGNORECASE)


def open_unpacked(path: Path) -> BinaryIO:
    with path.open("rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def count_entrez(path: Path) -> int:
    """Articles read by ``Entrez.read``, from the file stream (in memory only when the DOCTYPE needs fixing)."""
    from Bio import Entrez

    with open_unpacked(path) as handle:
        head = handle.read(4096)
        if HTTP_DTD.search(head):
            source: BinaryIO = io.BytesIO(HTTP_DTD.sub(rb"\1https://", head, count=1) + handle.read())
        else:
            source = _Joined(head, handle)
        record = Entrez.read(source)
    return len(record.get("PubmedArticle", [])) + len(record.get("PubmedBookArticle", []))


class _Joined(io.RawIOBase):
    """The bytes already read from a stream, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data = self._head if size < 0 else self._head[:size]
            self._head = self._head[len(data) :]
            return data
        return self._rest.read(size)


def count_medlit(path: Path) -> int:
    from ingest.formats.pubmed_xml import iter_pubmed_xml
    from retrieval.library.records import Article

    return sum(isinstance(item, Article) for item in iter_pubmed_xml(path))


def peak_rss() -> int:
    """Peak resident memory of this process image, in bytes.

    ``VmHWM`` starts afresh at ``exec``, unlike ``ru_maxrss``, which Linux carries
    over from the parent process that forked this one.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # not Linux: KiB on most systems


PARSERS = {"medlit": count_medlit, "entrez": count_entrez}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("parser", choices=sorted(PARSERS))
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    count = PARSERS[args.parser]
    import Bio.Entrez  # noqa: F401  (both parsers pay for the same imports before the clock starts)

    import ingest.formats.pubmed_xml  # noqa: F401

    rss_before = psutil.Process().memory_info().rss
    start = time.perf_counter()
    articles = sum(count(path) for path in args.files)
    seconds = time.perf_counter() - start
    peak = peak_rss()
    print(
        json.dumps(
            {
                "parser": args.parser,
                "articles": articles,
                "seconds": seconds,
                "rss_before_bytes": rss_before,
                "peak_rss_bytes": peak,
                "peak_rss_increase_bytes": max(0, peak - rss_before),
            }
        )
    )


if __name__ == "__main__":
    main()
