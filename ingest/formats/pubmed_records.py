"""One PubMed XML record (``MedlineCitation``, ``PubmedArticle``, ``PubmedBookArticle``) to an ``Article``.

Fields are read by walking each element's children once and picking them by
tag, not by ElementPath searches (``find``/``findtext`` run Python code per
call and made parsing three times slower). Every field is optional: real
records range from a bare PMID to hundreds of MeSH terms and authors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree

from ingest.items import Deletion, Item
from retrieval.library.records import AbstractSection, Article, CommentCorrection, MeshHeading

Element = etree._Element
Children = dict[object, Element]  # tag -> first child with that tag (comments and entities have callable tags)

MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_BY_NUMBER = {f"{i:02d}": name for i, name in enumerate(MONTH_NAMES, 1)} | {
    str(i): name for i, name in enumerate(MONTH_NAMES, 1)
}
MONTH_NUMBER = {name: i for i, name in enumerate(MONTH_NAMES, 1)}
FOUR_DIGITS = re.compile(r"\d{4}")


def _children(element: Element | None) -> Children:
    """The first child of each tag (built in one pass; later duplicates lose, as in ``find``)."""
    if element is None:
        return {}
    return {child.tag: child for child in reversed(element)}


def _text(element: Element | None) -> str:
    """All text inside ``element`` (child markup like <i> or <sup> included), whitespace collapsed."""
    if element is None:
        return ""
    text = "".join(element.itertext()) if len(element) else element.text or ""
    if "\n" in text or "  " in text or "\t" in text or "\r" in text:
        return " ".join(text.split())
    return text.strip()


def _leaf(element: Element | None) -> str:
    """The text of an element that by the DTD holds only text (names, numbers, codes): cheaper than ``_text``."""
    if element is None:
        return ""
    text = element.text
    return text.strip() if text else ""


def _texts(element: Element | None, tag: str, read: Callable[[Element], str] = _text) -> list[str]:
    """Non-empty texts of the children named ``tag`` (``read=_leaf`` for text-only children)."""
    if element is None:
        return []
    return [text for text in map(read, element.iterchildren(tag)) if text]


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _iso_date(element: Element | None) -> str:
    """A ``<Year><Month><Day>`` element as YYYY-MM-DD (empty when it has no year)."""
    parts = _children(element)
    year = _leaf(parts.get("Year"))
    if not year.isdigit():
        return ""
    month = _leaf(parts.get("Month"))
    month_number = _int(month) or MONTH_NUMBER.get(month, 1)
    return f"{year}-{month_number:02d}-{_int(_leaf(parts.get('Day'))) or 1:02d}"


def _pub_date(element: Element | None) -> tuple[str, int | None]:
    """The display date ("2016 Jan 15", or the free-text MedlineDate "1998 Dec-1999 Jan") and its year."""
    parts = _children(element)
    year = _leaf(parts.get("Year"))
    if year:
        month = _leaf(parts.get("Month"))
        day = _leaf(parts.get("Day")).lstrip("0")
        return " ".join(p for p in (year, MONTH_BY_NUMBER.get(month, month), day) if p), _int(year)
    medline_date = _leaf(parts.get("MedlineDate"))
    found = FOUR_DIGITS.search(medline_date)
    return medline_date, int(found.group()) if found else None


def _authors(author_list: Element | None) -> list[str]:
    """Authors as "LastName Initials" (PubMed's short form), or the group's name for collective authors."""
    if author_list is None:
        return []
    names = []
    for author in author_list.iterchildren("Author"):
        if author.get("ValidYN") == "N":
            continue  # a misspelt name NLM keeps only to record its correction
        last = initials = fore = ""
        for part in author:
            tag = part.tag
            if tag == "LastName":
                last = _leaf(part)
            elif tag == "Initials":
                initials = _leaf(part)
            elif tag == "ForeName":
                fore = _leaf(part)
            elif tag == "CollectiveName":
                last = _text(part)
        name = f"{last} {initials or ''.join(word[0] for word in fore.split())}".strip()
        if name:
            names.append(name)
    return names


def _abstract(abstract: Element | None, owner: Element) -> list[AbstractSection]:
    """The abstract's sections; an English ``OtherAbstract`` of ``owner`` stands in when there is no ``Abstract``."""
    if abstract is None:
        abstract = next((a for a in owner.iterchildren("OtherAbstract") if a.get("Language", "eng") == "eng"), None)
        if abstract is None:
            return []
    sections = []
    for section in abstract.iterchildren("AbstractText"):
        text = _text(section)
        if text:
            sections.append(AbstractSection(text, section.get("Label", ""), section.get("NlmCategory", "")))
    return sections


def _article_ids(*id_lists: Element | None) -> dict[str, str]:
    """``ArticleId`` values by ``IdType`` (doi, pmc, pubmed, bookaccession...); the first list wins."""
    ids: dict[str, str] = {}
    for id_list in id_lists:
        if id_list is not None:
            for article_id in id_list.iterchildren("ArticleId"):
                value = _leaf(article_id)
                if value:
                    ids.setdefault(article_id.get("IdType", ""), value)
    return ids


@lru_cache(maxsize=65536)
def _heading(descriptor: str, major: bool, qualifiers: tuple[str, ...], ui: str) -> MeshHeading:
    """One shared instance per distinct heading: "Humans" or "Female" recur in most records, and building
    a frozen dataclass costs more than looking one up."""
    return MeshHeading(descriptor, major, qualifiers, ui)


def _mesh(mesh_list: Element | None) -> list[MeshHeading]:
    """MeSH headings; a heading is a major topic when its descriptor or any of its qualifiers is starred."""
    if mesh_list is None:
        return []
    headings = []
    for heading in mesh_list.iterchildren("MeshHeading"):
        descriptor, qualifiers, major = None, [], False
        for part in heading:
            tag = part.tag
            if tag == "DescriptorName":
                descriptor = part
            elif tag == "QualifierName":
                qualifiers.append(_leaf(part))
            else:
                continue
            if part.get("MajorTopicYN") == "Y":
                major = True
        if descriptor is not None:
            headings.append(_heading(_leaf(descriptor), major, tuple(qualifiers), descriptor.get("UI", "")))
    return headings


def _comments_corrections(links: Element | None) -> list[CommentCorrection]:
    if links is None:
        return []
    result = []
    for link in links.iterchildren("CommentsCorrections"):
        parts = _children(link)
        result.append(
            CommentCorrection(link.get("RefType", ""), _leaf(parts.get("PMID")), _text(parts.get("RefSource")))
        )
    return result


def _chemicals(chemical_list: Element | None) -> list[str]:
    if chemical_list is None:
        return []
    names = (_leaf(name) for chemical in chemical_list for name in chemical.iterchildren("NameOfSubstance"))
    return [name for name in names if name]


def _keywords(owner: Element | None) -> list[str]:
    """Keywords of every ``KeywordList`` (NLM's and the author's), each once, in order."""
    if owner is None:
        return []
    return list(dict.fromkeys(k for keywords in owner.iterchildren("KeywordList") for k in _texts(keywords, "Keyword")))


def _pmid(element: Element | None) -> tuple[str, int]:
    """The PMID and its version (PubMed reuses a PMID with Version="2" for some publisher corrections)."""
    if element is None:
        return "", 1
    return _leaf(element), _int(element.get("Version")) or 1


def _pages(pagination: Element | None) -> str:
    parts = _children(pagination)
    pages = _leaf(parts.get("MedlinePgn"))
    if pages:
        return pages
    return "-".join(p for p in (_leaf(parts.get("StartPage")), _leaf(parts.get("EndPage"))) if p)


def citation_article(citation: Element, pubmed_data: Element | None = None) -> Article:
    """An ``Article`` from a ``MedlineCitation`` and, in a ``PubmedArticle``, the ``PubmedData`` after it."""
    parts = _children(citation)
    pmid, version = _pmid(parts.get("PMID"))
    article_element = parts.get("Article")
    article = _children(article_element)
    journal = _children(article.get("Journal"))
    issue = _children(journal.get("JournalIssue"))
    pub_date, year = _pub_date(issue.get("PubDate"))
    if year is None:
        year = _int(_leaf(_children(article.get("ArticleDate")).get("Year")))
    ids = _article_ids(_children(pubmed_data).get("ArticleIdList"))
    dois = [] if article_element is None else article_element.iterchildren("ELocationID")
    doi = next((value for e in dois if e.get("EIdType") == "doi" and (value := _leaf(e))), ids.get("doi", ""))
    return Article(
        pmid=pmid,
        title=_text(article.get("ArticleTitle")) or _text(article.get("VernacularTitle")),
        abstract=_abstract(article.get("Abstract"), citation),
        authors=_authors(article.get("AuthorList")),
        journal=_text(journal.get("Title")),
        journal_abbrev=_leaf(journal.get("ISOAbbreviation"))
        or _leaf(_children(parts.get("MedlineJournalInfo")).get("MedlineTA")),
        year=year,
        pub_date=pub_date,
        volume=_leaf(issue.get("Volume")),
        issue=_leaf(issue.get("Issue")),
        pages=_pages(article.get("Pagination")),
        doi=doi,
        pmcid=ids.get("pmc", ""),
        publication_types=_texts(article.get("PublicationTypeList"), "PublicationType", _leaf),
        mesh=_mesh(parts.get("MeshHeadingList")),
        keywords=_keywords(citation),
        chemicals=_chemicals(parts.get("ChemicalList")),
        language=_leaf(article.get("Language")),
        comments_corrections=_comments_corrections(parts.get("CommentsCorrectionsList")),
        version=version,
        date_revised=_iso_date(parts.get("DateRevised")),
    )


def book_article(record: Element) -> Article:
    """An ``Article`` from a ``PubmedBookArticle``: a whole book (NCBI Bookshelf) or one of its chapters."""
    document_element = next(record.iterchildren("BookDocument"), None)
    document = _children(document_element)
    pmid, version = _pmid(document.get("PMID"))
    book_element = document.get("Book")
    book = _children(book_element)
    ids = _article_ids(
        document.get("ArticleIdList"), _children(_children(record).get("PubmedBookData")).get("ArticleIdList")
    )
    book_title = _text(book.get("BookTitle"))
    chapter_title = _text(document.get("ArticleTitle"))
    # A chapter is dated by its contribution (a GeneReviews chapter of 2003 in a book series begun in 1993).
    contributed, published = _pub_date(document.get("ContributionDate")), _pub_date(book.get("PubDate"))
    preferred, fallback = (contributed, published) if chapter_title else (published, contributed)
    pub_date, year = preferred if preferred[1] is not None else fallback
    authors = _authors(document.get("AuthorList"))
    if not authors and book_element is not None:
        lists = (a for a in book_element.iterchildren("AuthorList") if a.get("Type", "authors") == "authors")
        authors = _authors(next(lists, None))
    return Article(
        pmid=pmid,
        title=chapter_title or book_title,
        abstract=_abstract(document.get("Abstract"), document_element) if document_element is not None else [],
        authors=authors,
        # Where the text appears: a chapter appears in its book; a whole book is cited by its publisher.
        journal=book_title if chapter_title else _text(_children(book.get("Publisher")).get("PublisherName")),
        year=year,
        pub_date=pub_date,
        volume=_leaf(book.get("Volume")),
        pages=_pages(document.get("Pagination")),
        doi=ids.get("doi", ""),
        pmcid=ids.get("pmc", ""),
        publication_types=_texts(document_element, "PublicationType"),
        mesh=_mesh(document.get("MeshHeadingList")),
        keywords=_keywords(document_element),
        chemicals=_chemicals(document.get("ChemicalList")),
        language=_text(document.get("Language")),
        comments_corrections=_comments_corrections(document.get("CommentsCorrectionsList")),
        is_book=True,
        version=version,
        date_revised=_iso_date(document.get("DateRevised")),
    )


def record_item(record: Element) -> Item:
    """The item a top-level record element stands for (an ``Article`` with an empty PMID when it has none)."""
    tag = record.tag
    if tag == "PubmedArticle":
        parts = _children(record)
        citation = parts.get("MedlineCitation")
        return Article(pmid="") if citation is None else citation_article(citation, parts.get("PubmedData"))
    if tag == "PubmedBookArticle":
        return book_article(record)
    if tag == "DeleteCitation":
        return Deletion(tuple(_texts(record, "PMID")))
    return citation_article(record)
