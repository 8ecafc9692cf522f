"""The annotated name nearest to a name the annotations never give, by shared letter sequences.

Spelling variants of a known concept ("thromboembolic disease", "hypokalaemic", "neutropaenia")
share most of their three- and four-letter sequences with an annotated name; a cosine over
those sequences' TF-IDF weights finds it. Below ``min_similarity`` the name stays unlinked: a
wrong concept invents relations, an unlinked one only misses them.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_LENGTH = 5  # shorter names (abbreviations mostly) share too few letters to be told apart
CACHED = 50_000  # answers kept: an ingest meets the same unknown names again and again


class NearestName:
    def __init__(self, names: Sequence[str], min_similarity: float):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.names = list(names)
        self.min_similarity = min_similarity
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4)) if self.names else None
        self.matrix = self.vectorizer.fit_transform(self.names) if self.vectorizer is not None else None
        self._found: dict[str, str | None] = {}

    def find(self, name: str) -> str | None:
        """The nearest annotated name, or None when none is similar enough."""
        if self.vectorizer is None or len(name) < MIN_LENGTH:
            return None
        if name not in self._found:
            if len(self._found) >= CACHED:
                self._found.clear()
            scores = (self.matrix @ self.vectorizer.transform([name]).T).toarray().ravel()
            best = int(scores.argmax())
            self._found[name] = self.names[best] if scores[best] >= self.min_similarity else None
        return self._found[name]
