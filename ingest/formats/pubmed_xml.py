"""Streaming reader for PubMed XML: efetch bodies, annual baseline and daily update files.

A baseline file holds about 30,000 citations (some hundred MB unpacked), so the
file is never loaded whole: ``iterparse`` hands over one record at a time and
each record is cleared, with its already-processed siblings, once it has been
turned into an ``Article``. Memory stays at a few MB whatever the file size.

The parser never touches the network or the disk on behalf of the document
(no DTD loading, no external entities, no entity expansion), because uploaded
files and HTTP bodies are untrusted input.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import ExitStack
from typing import BinaryIO

from lxml import etree

from ingest.formats.errors import ParseError
from ingest.formats.pubmed_records import record_item
from ingest.formats.sources import Source, open_source, source_name
from ingest.items import Deletion, Item

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024  # first read: enough for the XML declaration, DOCTYPE and root start tag
PROBE_LIMIT = 1024 * 1024  # give up looking for the root element after this many bytes
# The largest PubMed records (thousands of authors, long reference lists) are a few MB of XML. More
# than this without a complete record is a damaged file or a decompression bomb (a small .xml.gz
# that unpacks to gigabytes): libxml2 would keep every element of it in memory, so it is refused.
MAX_BYTES_WITHOUT_RECORD = 8 * 1024 * 1024


class _Budget:
    """Counts the unpacked bytes read since the last complete record; refuses past the limit."""

    def __init__(self, stream: BinaryIO, label: str, limit: int = MAX_BYTES_WITHOUT_RECORD) -> None:
        self._stream = stream
        self._label = label
        self._limit = limit
        self.since_record = 0

    def read(self, size: int = -1) -> bytes:
        # Never read "everything": an unbounded read of a bomb would unpack it whole.
        data = self._stream.read(size if 0 <= size <= self._limit else self._limit + 1)
        self.since_record += len(data)
        if self.since_record > self._limit:
            raise ParseError(
                f"{self._label} was refused: it holds more than {self._limit // (1024 * 1024)} MB of XML without "
                "a complete PubMed record (a damaged file, or a compressed file that unpacks to far more than "
                "PubMed XML does). Records before that point were kept."
            )
        return data


SAFE_PARSER = {
    "no_network": True,
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,  # keep libxml2's limits on node size and nesting depth
}

RECORD_TAGS = {
    "PubmedArticleSet": ("PubmedArticle", "PubmedBookArticle", "DeleteCitation"),
    "MedlineCitationSet": ("MedlineCitation", "DeleteCitation"),
    "PubmedArticle": ("PubmedArticle",),
    "PubmedBookArticle": ("PubmedBookArticle",),
    "MedlineCitation": ("MedlineCitation",),
}


class _Prepended:
    """A binary stream whose first bytes were already read (to sniff gzip and the root element)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0 or size >= len(self._head):
                data, self._head = self._head, b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def _read_head(stream: BinaryIO, size: int) -> bytes:
    """Read up to ``size`` bytes, looping because pipes and sockets may return less."""
    parts, missing = [], size
    while missing > 0:
        chunk = stream.read(missing)
        if not chunk:
            break
        parts.append(chunk)
        missing -= len(chunk)
    return b"".join(parts)


def _unpacked(stream: BinaryIO) -> BinaryIO:
    """The XML bytes of ``stream``, gunzipped when it starts with the gzip magic bytes."""
    magic = _read_head(stream, 2)
    stream = _Prepended(magic, stream)
    if magic == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[arg-type]
    return stream  # type: ignore[return-value]


def _root_tag(stream: BinaryIO) -> tuple[str | None, int, BinaryIO]:
    """The root element's name and line, from the first bytes, and a stream that replays them.

    The record tags to listen for depend on the root (``MedlineCitation`` is a
    record in a pre-2017 ``MedlineCitationSet`` but a part of a record in a
    ``PubmedArticleSet``), and a file that is not PubMed XML must be refused
    before anything of it is kept in memory.
    """
    probe = etree.XMLPullParser(events=("start",), **SAFE_PARSER)
    seen: list[bytes] = []
    size = 0
    try:
        while size < PROBE_LIMIT:
            chunk = stream.read(HEAD_BYTES)
            if not chunk:
                break
            seen.append(chunk)
            size += len(chunk)
            probe.feed(chunk)
            for _event, element in probe.read_events():
                return etree.QName(element).localname, element.sourceline or 1, _Prepended(b"".join(seen), stream)
    except (etree.XMLSyntaxError, OSError, EOFError):
        pass  # the full parse reports the problem with its position
    return None, 0, _Prepended(b"".join(seen), stream)


def _not_pubmed(name: str, root: str, line: int) -> ParseError:
    return ParseError(
        f"{name} is not a PubMed XML file (root <{root}>): its first element, at line {line}, should be "
        "<PubmedArticleSet>; export citations from PubMed as XML (or MEDLINE text) and try again."
    )


def _kept(read: int) -> str:
    if not read:
        return "No record could be read."
    return f"The {read:,} record{'s' if read > 1 else ''} before that point {'were' if read > 1 else 'was'} read."


def _syntax_error(name: str, error: etree.XMLSyntaxError, read: int) -> ParseError:
    line, column = error.position if error.position else (error.lineno, error.offset)
    reason = (error.msg or str(error)).split(", line ")[0].strip().rstrip(".")
    kept = _kept(read)
    if "Document is empty" in reason or (reason == "no element found" and not line):
        return ParseError(f"{name} is empty; check that you chose the right file.")
    if "amplification" in reason or "entity" in reason.lower():
        return ParseError(
            f"{name} declares XML entities at line {line}, column {column} ({reason}); MedLit never expands or "
            f"fetches entities: use the file as NLM publishes it. {kept}"
        )
    return ParseError(
        f"{name} is not valid XML at line {line}, column {column} ({reason}); "
        f"the file is probably truncated or damaged: download it again. {kept}"
    )


def iter_pubmed_xml(source: Source, name: str | None = None) -> Iterator[Item]:
    """Yield the ``Article``s and ``Deletion``s of a PubMed XML file, in document order.

    ``source`` is a path (``.xml`` or ``.xml.gz``; gzip is recognised by its
    magic bytes, not its suffix) or an open binary stream; ``name`` is how the
    file is called in error messages. Raises ``ParseError`` for damaged XML,
    after every complete record before the damage has been yielded.
    """
    label = source_name(source, name)
    read = 0
    with ExitStack() as stack:
        raw = open_source(source, label, stack)
        budget = _Budget(_unpacked(raw), label)
        try:
            root_tag, root_line, stream = _root_tag(budget)  # type: ignore[arg-type]
        except OSError as error:
            raise ParseError(f"{label} could not be read ({error}); check that the file is complete.") from None
        if root_tag is not None and root_tag not in RECORD_TAGS:
            raise _not_pubmed(label, root_tag, root_line)
        tags = RECORD_TAGS.get(root_tag or "", RECORD_TAGS["PubmedArticleSet"])
        events = etree.iterparse(stream, events=("end",), tag=tags, **SAFE_PARSER)
        try:
            for _event, record in events:
                item = record_item(record)
                # Free the record and everything before it: memory stays flat on a 30,000-record file.
                record.clear(keep_tail=True)
                parent = record.getparent()
                if parent is not None:
                    while record.getprevious() is not None:
                        del parent[0]
                budget.since_record = 0
                if item.pmids if isinstance(item, Deletion) else item.pmid:
                    read += 1
                    yield item
        except etree.XMLSyntaxError as error:
            raise _syntax_error(label, error, read) from None
        except (OSError, EOFError) as error:  # a gzip stream cut short or corrupt
            raise ParseError(
                f"{label} could not be unpacked ({error}); the download is probably incomplete: download it again. "
                + _kept(read)
            ) from None
        if root_tag is None and events.root is not None and etree.QName(events.root).localname not in RECORD_TAGS:
            raise _not_pubmed(label, etree.QName(events.root).localname, events.root.sourceline or 1)
