"""MedLit search as a LangChain retriever, so LangChain chains and agents can use the library.

Each document is one article (title and abstract), ranked by the same hybrid
search as the app, with the fields a chain needs to cite it in its metadata.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from retrieval.library import Library
from retrieval.library.filters import SearchFilters
from retrieval.search.hybrid import Method, search
from retrieval.search.results import Hit


class MedLitRetriever(BaseRetriever):
    """Hybrid search over a MedLit library; ``filters`` and ``k`` apply to every query."""

    library: Library
    filters: SearchFilters | None = None
    k: int = 10
    prefer_strong_designs: bool = False
    method: Method = "hybrid"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = search(self.library, query, self.filters, self.k, self.prefer_strong_designs, self.method)
        return [to_document(hit) for hit in hits]


def to_document(hit: Hit) -> Document:
    abstract = hit.article.abstract_text if hit.article else ""
    return Document(
        page_content=f"{hit.title}\n\n{abstract}".strip(),
        metadata={
            "pmid": hit.pmid,
            "title": hit.title,
            "year": hit.year,
            "journal": hit.journal,
            "level": hit.level,
            "retracted": hit.retracted,
            "score": float(hit.score),
            "matched_sentences": list(hit.sentences),
        },
    )
