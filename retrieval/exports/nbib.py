"""MEDLINE (.nbib) export: the format PubMed itself offers to citation managers.

Each field is a 4-character tag padded with spaces, ``- ``, then the value;
long text fields wrap at word boundaries onto continuation lines indented six
spaces (parsers join them with one space). List fields (AU, MH, PT ...) repeat
the tag, one value per line, and are never wrapped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retrieval.exports.fields import labelled_abstract, one_line, split_author
from retrieval.library.collections import Annotation
from retrieval.library.records import Article

WIDTH = 88
INDENT = " " * 6


def render(articles: Sequence[Article], annotations: Mapping[str, Annotation] | None = None) -> str:
    annotations = annotations or {}
    return "".join("\n" + _record(a, annotations.get(a.pmid, Annotation())) for a in articles)


def _record(article: Article, annotation: Annotation) -> str:
    fields: list[tuple[str, str]] = [
        ("PMID", article.pmid),
        ("VI", article.volume),
        ("IP", article.issue),
        ("DP", article.pub_date or str(article.year or "")),
        ("TI", article.title),
        ("PG", article.pages),
        ("LID", f"{article.doi} [doi]" if article.doi else ""),
        ("AB", labelled_abstract(article.abstract)),
    ]
    for author in article.authors:
        name = split_author(author)
        fields += [("FAU", name.inverted), ("AU", name.medline)] if not name.collective else [("CN", name.family)]
    fields += [("LA", article.language)]
    fields += [("PT", t) for t in article.publication_types]
    fields += [("TA", article.journal_abbrev), ("JT", article.journal)]
    fields += [("MH", _mesh(m)) for m in article.mesh]
    fields += [("OT", k) for k in article.keywords]
    fields += [("OT", t) for t in annotation.tags]
    fields += [("PMC", article.pmcid), ("GN", annotation.note)]
    lines: list[str] = []
    for tag, value in fields:
        value = one_line(value)
        if value:
            lines += _wrap(tag, value) if tag in ("TI", "AB") else [f"{tag:<4}- {value}"]
    return "\n".join(lines) + "\n"


def _mesh(heading) -> str:
    """``*Descriptor/qualifier``: MEDLINE marks a major topic with an asterisk."""
    text = ("*" if heading.major else "") + heading.descriptor
    return "/".join([text, *heading.qualifiers])


def _wrap(tag: str, value: str) -> list[str]:
    lines, current, words_on_line = [], f"{tag:<4}- ", 0
    for word in value.split(" "):
        if words_on_line and len(current) + len(word) > WIDTH:
            lines.append(current.rstrip())
            current, words_on_line = INDENT, 0
        current += word + " "
        words_on_line += 1
    lines.append(current.rstrip())
    return lines
