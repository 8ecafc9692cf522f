"""What tests and benchmarks share about libraries: the fixture articles, their topics, ``build_library``.

The fixture articles (``tests/fixtures/articles.json``) are written to be told
apart: seven clinical topics with three to five structured abstracts each, a
spread of publication types and years, one retracted article and one without
abstract. The PMID lists below name them by topic, so tests can say which
article a question should find. Import this module as ``tests.library_support``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from retrieval.library import Library
from retrieval.library.collections import Collections
from retrieval.library.records import AbstractSection, Article, MeshHeading
from retrieval.search.results import Hit
from retrieval.settings import Settings

# The tantivy keyword engine is an optional extra (`make install-dev` installs it); its tests skip without it.
needs_tantivy = pytest.mark.skipif(
    importlib.util.find_spec("tantivy") is None, reason="tantivy is not installed (make install-tantivy)"
)

OPENSEARCH_URL = os.environ.get("MEDLIT_OPENSEARCH_URL", "http://127.0.0.1:9200")


def opensearch_answers(url: str = OPENSEARCH_URL) -> bool:
    """Whether an OpenSearch server answers at ``url`` within a second (the opensearch engine's tests need one)."""
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


# The OpenSearch keyword engine is an optional extra that needs a server (deploy/opensearch/compose.yaml).
needs_opensearch = (
    pytest.mark.skip(reason="opensearch-py is not installed (make install-opensearch)")
    if importlib.util.find_spec("opensearchpy") is None
    else pytest.mark.skipif(
        not opensearch_answers(),
        reason=f"no OpenSearch server answers at {OPENSEARCH_URL} (deploy/opensearch/compose.yaml runs one)",
    )
)


def drop_opensearch_index(name: str) -> None:
    """Remove an index a test made on the server at ``MEDLIT_OPENSEARCH_URL``."""
    from opensearchpy import OpenSearch

    OpenSearch(hosts=[OPENSEARCH_URL]).indices.delete(index=name, ignore_unavailable=True)


ARTICLES_FILE = Path(__file__).resolve().parent / "fixtures" / "articles.json"

STATINS = ["91000001", "91000002", "91000003", "91000004", "91000005"]
VITAMIN_D = ["91000011", "91000012", "91000013", "91000014"]
MALARIA = ["91000021", "91000022", "91000023", "91000024"]
MIGRAINE = ["91000031", "91000032", "91000033", "91000034"]
ASTHMA = ["91000041", "91000042", "91000043", "91000044"]
SLEEP = ["91000051", "91000052", "91000053", "91000054"]
HAND_HYGIENE = ["91000061", "91000062", "91000063"]
RETRACTED = "91000071"  # a randomized trial on migraine, retracted
NO_ABSTRACT = "91000081"
TOPICS = {
    "statins": STATINS,
    "vitamin d": VITAMIN_D,
    "malaria": MALARIA,
    "migraine": MIGRAINE,
    "asthma": ASTHMA,
    "sleep": SLEEP,
    "hand hygiene": HAND_HYGIENE,
}


def load_articles(path: Path) -> list[Article]:
    """Articles from a JSON list of records in ``Article.to_json`` form (fields left out take their defaults)."""
    return [Article.from_json(json.dumps(record)) for record in json.loads(path.read_text(encoding="utf-8"))]


FIXTURE_ARTICLES: list[Article] = load_articles(ARTICLES_FILE)
# One abstract for tests that hand evidence to a language model directly, without a library.
HONEY = Article(
    pmid="34000001",
    title="Honey for cough in children",
    year=2007,
    abstract=[AbstractSection("Honey reduced night-time cough frequency more than no treatment.")],
)


def hits(articles: Iterable[Article]) -> list[Hit]:
    """Search hits of ``articles``, in that order: evidence handed to an answer without searching a library."""
    return [Hit(a.pmid, a.title, a.year, "", [], "other", False, 1.0, article=a) for a in articles]


HONEY_HITS = hits([HONEY])

FIXTURE_COLLECTIONS = {"asthma reading": ASTHMA[:3], "mixed": [STATINS[0], MALARIA[0]]}


def build_library(
    data_dir: Path, articles: Iterable[Article], collections: dict[str, list[str]] | None = None
) -> Library:
    """A real library in ``data_dir`` holding ``articles`` (embedded and indexed), with optional collections."""
    library = Library(Settings(data_dir=data_dir))
    ingest(library, list(articles), kind="test", source="fixture")
    shelves = Collections(library.store)
    for name, pmids in (collections or {}).items():
        shelves.add(shelves.create(name).id, pmids)
    return library


def structured(
    pmid: str,
    title: str,
    year: int,
    journal: str,
    types: list[str],
    mesh: list[str],
    sections: dict[str, str],
) -> Article:
    """A journal article with a structured abstract; ``sections`` maps NLM category (BACKGROUND, RESULTS...) to text.

    The first MeSH descriptor is the major topic; written like the fixture articles, revised a year after publication.
    """
    return Article(
        pmid=pmid,
        title=title,
        abstract=[AbstractSection(text, label, label) for label, text in sections.items()],
        journal=journal,
        year=year,
        publication_types=["Journal Article", *types],
        mesh=[MeshHeading(d, major=i == 0) for i, d in enumerate(mesh)],
        language="eng",
        date_revised=f"{year + 1}-01-15",
    )
