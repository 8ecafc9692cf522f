"""Reading E-utilities response bodies, and telling a usable answer from a failed one.

esearch and epost bodies are parsed with lxml without network access:
``Bio.Entrez.read`` refuses the ``http://`` DTD addresses of older NCBI answers
and would fetch DTDs over the network. efetch bodies go through the same
streaming PubMed XML parser as uploaded files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from lxml import etree

from ingest.eutils.errors import UnusableResponse
from ingest.formats.errors import ParseError
from ingest.formats.pubmed_xml import iter_pubmed_xml
from ingest.items import Item

_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)


@dataclass(frozen=True)
class History:
    """A result set kept on NCBI's history server, named by WebEnv and query_key."""

    webenv: str
    query_key: str


@dataclass(frozen=True)
class SearchResult:
    count: int
    ids: list[str]
    history: History | None


def _root(body: bytes, what: str) -> etree._Element:
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise UnusableResponse(f"the {what} answer is not complete XML ({error.msg})") from None
    errors = [" ".join(e.itertext()).strip() for e in root.iter("ERROR")]
    if errors:
        raise UnusableResponse(f"NCBI answered the {what} with an error: {'; '.join(filter(None, errors))}")
    return root


def read_search(body: bytes) -> SearchResult:
    """An ``eSearchResult`` (also its ``rettype=count`` form, which has only ``Count``)."""
    root = _root(body, "esearch")
    count = root.findtext("Count")
    if count is None or not count.strip().isdigit():
        raise UnusableResponse("the esearch answer has no Count")
    webenv, query_key = root.findtext("WebEnv"), root.findtext("QueryKey")
    history = History(webenv.strip(), query_key.strip()) if webenv and query_key else None
    ids = [e.text.strip() for e in root.findall("IdList/Id") if e.text and e.text.strip()]
    return SearchResult(int(count), ids, history)


def read_post(body: bytes) -> History:
    """An ``ePostResult``: where NCBI stored the posted PMIDs."""
    root = _root(body, "epost")
    webenv, query_key = root.findtext("WebEnv"), root.findtext("QueryKey")
    if not webenv or not query_key:
        raise UnusableResponse("the epost answer names no WebEnv and QueryKey")
    return History(webenv.strip(), query_key.strip())


def read_records(body: bytes, what: str, expected: int | None) -> list[Item]:
    """The records of an efetch body, all or none: a body that does not parse completely is refused.

    ``expected`` is how many records were asked for; fewer is refused too (a
    proxy that closed the stream cleanly between two records). ``None`` skips
    that check, for requests where NCBI legitimately omits PMIDs it lacks.
    """
    if b"<ERROR>" in body:  # "<" is escaped in text, so this is an element: an eFetchResult error body
        _root(body, what)
    try:
        items = list(iter_pubmed_xml(io.BytesIO(body), name=f"the {what} answer"))
    except ParseError as error:
        raise UnusableResponse(str(error).split(";")[0]) from None
    if expected is not None and len(items) < expected:
        raise UnusableResponse(f"the {what} answer holds {len(items)} of {expected} records")
    return items
