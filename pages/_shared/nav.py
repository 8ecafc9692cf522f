"""The app's pages, in menu order, and links between them.

Pages link to each other by file path (``st.page_link``/``st.switch_page``);
the article page takes its PMID from the URL (``?pmid=``), so an article link
can be bookmarked and shared.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import Page

ASK = "pages/ask.py"
SEARCH = "pages/search.py"
ARTICLE = "pages/article.py"
SUMMARIES = "pages/summaries.py"
COLLECTIONS = "pages/collections.py"
IMPORT = "pages/import_records.py"
LIBRARY = "pages/library.py"
WHATS_NEW = "pages/whats_new.py"


def navigation() -> Page:
    """The menu: reading pages first, then the librarian's pages."""
    return st.navigation(
        {
            "Read": [
                st.Page(ASK, title="Ask", icon=":material/question_answer:", default=True),
                st.Page(SEARCH, title="Search", icon=":material/search:"),
                st.Page(SUMMARIES, title="Summaries", icon=":material/summarize:"),
                st.Page(ARTICLE, title="Article", icon=":material/article:"),
            ],
            "Curate": [
                st.Page(COLLECTIONS, title="Collections", icon=":material/collections_bookmark:"),
                st.Page(WHATS_NEW, title="What's new", icon=":material/new_releases:"),
                st.Page(IMPORT, title="Import", icon=":material/upload_file:"),
                st.Page(LIBRARY, title="Library", icon=":material/local_library:"),
            ],
        }
    )


def article_link(pmid: str, label: str = "Open full record", quote: str = "") -> None:
    """A link to the article's page; with ``quote``, the page highlights that sentence of the abstract."""
    params = {"pmid": pmid, **({"quote": quote} if quote else {})}
    st.page_link(ARTICLE, label=label, icon=":material/open_in_new:", query_params=params)


def import_link(label: str = "Go to Import to add PubMed records") -> None:
    st.page_link(IMPORT, label=label, icon=":material/upload_file:")
