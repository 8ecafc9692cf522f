"""BibTeX export: one ``@article{pmid<PMID>, ...}`` entry per article.

Text fields are escaped for LaTeX (braces, ``%``, ``&``, ``_`` ...), so a title
such as ``50% of {IL-6} & TNF_alpha`` neither breaks the entry nor LaTeX;
UTF-8 names stay UTF-8, which biber, Zotero and JabRef read as is. Titles get
an inner pair of braces so bibliography styles keep their capitalisation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retrieval.exports.fields import labelled_abstract, one_line, page_range, pubmed_url, split_author
from retrieval.library.collections import Annotation
from retrieval.library.records import Article

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def escape(text: str) -> str:
    return "".join(_LATEX.get(ch, ch) for ch in one_line(text))


def render(articles: Sequence[Article], annotations: Mapping[str, Annotation] | None = None) -> str:
    annotations = annotations or {}
    return "\n".join(_entry(a, annotations.get(a.pmid, Annotation())) for a in articles)


def _entry(article: Article, annotation: Annotation) -> str:
    first, last = page_range(article.pages)
    keywords = [m.descriptor for m in article.mesh] + list(article.keywords) + list(annotation.tags)
    fields = [
        ("author", " and ".join(_author(a) for a in article.authors)),
        ("title", "{" + escape(article.title) + "}" if article.title else ""),
        ("journal", escape(article.journal or article.journal_abbrev)),
        ("year", str(article.year or "")),
        ("volume", escape(article.volume)),
        ("number", escape(article.issue)),
        ("pages", escape(f"{first}--{last}" if last else first)),
        ("doi", _verbatim(article.doi)),
        ("pmid", article.pmid),
        ("pmcid", _verbatim(article.pmcid)),
        ("language", escape(article.language)),
        ("abstract", escape(labelled_abstract(article.abstract))),
        ("keywords", escape(", ".join(dict.fromkeys(keywords)))),
        ("note", escape(annotation.note)),
        ("url", _verbatim(pubmed_url(article.pmid))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@article{{pmid{article.pmid},\n{body}\n}}\n"


def _author(author: str) -> str:
    name = split_author(author)
    if name.collective or not (name.given or name.initials):
        return "{" + escape(name.family) + "}"  # braces: a group name is not split into first/last
    given = name.given or " ".join(f"{i}." for i in name.initials)
    return f"{escape(name.family)}, {escape(given)}"


def _verbatim(text: str) -> str:
    """DOIs and URLs are read verbatim by BibTeX; only braces (never valid in them) are removed."""
    return one_line(text).replace("{", "").replace("}", "")
