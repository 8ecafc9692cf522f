"""Citation exports that reference managers import, and the formats collections import from.

Every format module has ``render(articles, annotations) -> str``; ``FORMATS``
lists them with the file extension and media type a download needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from retrieval.exports import bibtex, csv, nbib, pmid_list, ris
from retrieval.library.collections import Annotation
from retrieval.library.records import Article

Renderer = Callable[[Sequence[Article], Mapping[str, Annotation] | None], str]


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    extension: str
    mime: str
    render: Renderer
    encoding: str = "utf-8"

    def to_bytes(self, articles: Sequence[Article], annotations: Mapping[str, Annotation] | None = None) -> bytes:
        return self.render(articles, annotations).encode(self.encoding)


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("ris", "RIS (Zotero, EndNote)", "ris", "application/x-research-info-systems", ris.render),
        ExportFormat("bibtex", "BibTeX", "bib", "application/x-bibtex", bibtex.render),
        ExportFormat("csv", "CSV (spreadsheet)", "csv", "text/csv", csv.render, encoding=csv.ENCODING),
        ExportFormat("nbib", "MEDLINE (.nbib)", "nbib", "application/nbib", nbib.render),
        ExportFormat("pmids", "PMID list", "txt", "text/plain", pmid_list.render),
    )
}

__all__ = ["FORMATS", "Annotation", "ExportFormat"]
