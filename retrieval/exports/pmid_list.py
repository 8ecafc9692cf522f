"""Plain PMID lists: one PMID a line out, any list of PMIDs in.

Librarians paste PMIDs from everywhere (one a line, comma separated, ``PMID:
123``, PubMed links), so reading takes every standalone number of up to nine
digits and every PubMed link, in order, without duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from retrieval.library.collections import Annotation
from retrieval.library.records import Article

_PMID = re.compile(r"(?<![\w.\-/])(\d{1,9})(?![\w.\-])|pubmed\.ncbi\.nlm\.nih\.gov/(\d{1,9})|/pubmed/(\d{1,9})")


def render(articles: Sequence[Article], annotations: Mapping[str, Annotation] | None = None) -> str:
    return "".join(f"{a.pmid}\n" for a in articles)


def parse_pmids(text: str) -> list[str]:
    found = (next(g for g in m.groups() if g) for m in _PMID.finditer(text))
    return list(dict.fromkeys(p.lstrip("0") for p in found if p.strip("0")))
