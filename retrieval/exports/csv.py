"""CSV export: one row per article, for spreadsheets and screening tools.

Written with a byte-order mark (see ``ENCODING``) so Excel opens UTF-8 names
correctly. A cell that a spreadsheet would run as a formula (``=``, ``+``, ``@``)
is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from retrieval.exports.fields import labelled_abstract, one_line, pubmed_url
from retrieval.library.collections import Annotation
from retrieval.library.records import Article

ENCODING = "utf-8-sig"
COLUMNS = [
    "PMID",
    "Title",
    "Authors",
    "Journal",
    "Year",
    "Volume",
    "Issue",
    "Pages",
    "DOI",
    "PMCID",
    "Publication types",
    "MeSH terms",
    "Keywords",
    "Retracted",
    "Note",
    "Tags",
    "PubMed URL",
    "Abstract",
]


def render(articles: Sequence[Article], annotations: Mapping[str, Annotation] | None = None) -> str:
    annotations = annotations or {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for article in articles:
        annotation = annotations.get(article.pmid, Annotation())
        row = [
            article.pmid,
            article.title,
            "; ".join(article.authors),
            article.journal,
            article.year or "",
            article.volume,
            article.issue,
            article.pages,
            article.doi,
            article.pmcid,
            "; ".join(article.publication_types),
            "; ".join(("*" if m.major else "") + m.descriptor for m in article.mesh),
            "; ".join(article.keywords),
            "yes" if article.is_retracted else "",
            annotation.note,
            "; ".join(annotation.tags),
            pubmed_url(article.pmid),
            labelled_abstract(article.abstract),
        ]
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: object) -> str:
    text = one_line(str(value))
    return "'" + text if text[:1] in ("=", "+", "@") else text
