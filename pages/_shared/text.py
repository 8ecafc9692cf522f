"""Record text shown as text: never as HTML, never as Markdown.

Titles and abstracts come from outside (PubMed, uploaded files). Streamlit renders
Markdown, so every character Markdown, Streamlit directives or LaTeX give a
meaning to is backslash-escaped: ``<script>`` shows as ``<script>``, ``**`` as
two asterisks, ``$x$`` as dollars. Pages never pass record text with
``unsafe_allow_html``.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def md(text: object) -> str:
    """``text`` escaped for st.markdown, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def highlight(text: str) -> str:
    """Escaped text on a highlighted background (the sentence a citation rests on)."""
    return f":orange-background[{md(text)}]"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def short(text: str, limit: int = 90) -> str:
    """One line of at most ``limit`` characters, for labels and option lists (not Markdown)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
