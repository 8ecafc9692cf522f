"""Response bodies in NCBI's exact formats, built from recorded NCBI answers.

Each body keeps the recorded prolog (XML declaration and DOCTYPE, byte for
byte) and the recorded element layout; only the values change:
``esearch2.xml`` (hits with WebEnv/QueryKey), ``esearch8.xml`` (no hits),
the ``rettype=count`` answer of a recorded HAWC session, ``epost1.xml``,
``epost2.xml``/``esummary8.xml`` (``<ERROR>`` bodies), and the envelope of the
recorded 259-article efetch body.
"""

from __future__ import annotations

import copy
from functools import cache
from xml.sax.saxutils import escape

import yaml
from lxml import etree

from tests.fake_eutils.records import NCBI_DATA

ENTREZ = NCBI_DATA / "biopython" / "Entrez"
EFETCH_RECORDED = next((NCBI_DATA / "hawc_cassettes" / "extracted").glob("efetch_pubmed_259articles_*.xml"))
COUNT_SESSION = NCBI_DATA / "hawc_cassettes" / "services.nih.test_pubmed.TestPubMedSearch.test_standard_query.yaml"
_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
# NCBI's efetch error bodies use the efetch DTD; none is among the recordings, so this one prolog is written out.
EFETCH_ERROR_PROLOG = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
)


def _split(body: bytes, root_tag: bytes) -> tuple[bytes, etree._Element]:
    """The bytes before the root element, and the parsed root."""
    return body[: body.index(b"<" + root_tag)], etree.fromstring(body, _PARSER)


def _render(prolog: bytes, root: etree._Element) -> bytes:
    return prolog + etree.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


@cache
def _recorded(name: str, root_tag: str) -> tuple[bytes, etree._Element]:
    return _split((ENTREZ / name).read_bytes(), root_tag.encode())


@cache
def _recorded_count_body() -> bytes:
    session = yaml.load(COUNT_SESSION.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for interaction in session["interactions"]:
        if "rettype=count" in (interaction["request"].get("body") or ""):
            return interaction["response"]["body"]["string"].encode("utf-8")
    raise LookupError(f"no rettype=count answer in {COUNT_SESSION}")


def search_count(count: int) -> bytes:
    """The ``rettype=count`` answer: ``<eSearchResult><Count>…</Count></eSearchResult>``."""
    recorded = _recorded_count_body()
    start = recorded.index(b"<Count>") + len(b"<Count>")
    return recorded[:start] + str(count).encode() + recorded[recorded.index(b"</Count>") :]


def search_hits(count: int, retstart: int, ids: list[str], term: str, history: tuple[str, str] | None) -> bytes:
    """An esearch answer listing ``ids``; without hits it has esearch8.xml's PhraseNotFound shape."""
    if count == 0:
        prolog, recorded = _recorded("esearch8.xml", "eSearchResult")
        root = copy.deepcopy(recorded)
        root.find("QueryTranslation").text = f"({term}[All Fields])"
        root.find("ErrorList/PhraseNotFound").text = term
        return _render(prolog, root)
    prolog, recorded = _recorded("esearch2.xml", "eSearchResult")
    root = copy.deepcopy(recorded)
    root.find("Count").text = str(count)
    root.find("RetMax").text = str(len(ids))
    root.find("RetStart").text = str(retstart)
    if history:
        root.find("WebEnv").text, root.find("QueryKey").text = history
    else:
        root.remove(root.find("WebEnv"))
        root.remove(root.find("QueryKey"))
    id_list = root.find("IdList")
    tail = id_list[0].tail
    for child in list(id_list):
        id_list.remove(child)
    id_list.text = tail
    for pmid in ids:
        etree.SubElement(id_list, "Id").text = pmid
        id_list[-1].tail = tail
    translations = root.find("TranslationSet")
    for child in list(translations):
        translations.remove(child)
    root.find("QueryTranslation").text = f"{term}[All Fields]"
    return _render(prolog, root)


def post_result(webenv: str, query_key: str) -> bytes:
    prolog, recorded = _recorded("epost1.xml", "ePostResult")
    root = copy.deepcopy(recorded)
    root.find("WebEnv").text = webenv
    root.find("QueryKey").text = query_key
    return _render(prolog, root)


def error_body(endpoint: str, *messages: str) -> bytes:
    """An ``<ERROR>`` body as NCBI sends it for ``endpoint`` (laid out like epost2.xml and esummary8.xml)."""
    if endpoint == "efetch":
        prolog, root_tag = EFETCH_ERROR_PROLOG, "eFetchResult"
    else:
        recorded_file, root_tag = {"epost": ("epost2.xml", "ePostResult")}.get(
            endpoint, ("esearch2.xml", "eSearchResult")
        )
        prolog = _recorded(recorded_file, root_tag)[0]
    errors = "".join(f"\t<ERROR>{escape(m)}</ERROR>\n" for m in messages)
    return prolog + f"<{root_tag}>\n{errors}</{root_tag}>\n".encode()


@cache
def _efetch_envelope() -> tuple[bytes, bytes]:
    body = EFETCH_RECORDED.read_bytes()
    opening = b"<PubmedArticleSet>"
    start = body.index(opening) + len(opening)
    return body[:start] + b"\n", b"</PubmedArticleSet>"


def articles(records: list[bytes]) -> bytes:
    """An efetch body holding ``records``, in the recorded envelope and DOCTYPE."""
    head, tail = _efetch_envelope()
    return head + b"".join(records) + tail
