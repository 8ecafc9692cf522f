"""Chemical-induced disease relations at the level of an abstract (BioCreative V CDR).

Every (chemical concept, disease concept) pair that co-occurs in an abstract is a candidate;
a logistic regression over a few counts scores it (same sentence, in the title, how often each is
named, "induced"-like words between them, …), and a second one weighs that score against the
other pairs of the abstract (``ranking.py``). Fitted on BC5CDR train + dev by
``python -m retrieval.library.entities.train``; its weights are a small JSON file.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from retrieval.library.entities.prior import PRIOR_FEATURES, Annotated, Prior
from retrieval.library.entities.pubtator import CHEMICAL, DISEASE
from retrieval.library.entities.ranking import RANK_FEATURES, Pair, by_abstract, fit_ranker, ranked, relative_features

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")
_CAUSE = re.compile(
    r"induc|caus|associat|relat|provok|produc|develop|after|follow|due to|toxic|adverse|side effect|"
    r"secondary to|result|precipitat|attribut|occur|complicat|aggravat|exacerbat|trigger",
    re.IGNORECASE,
)
_TREAT = re.compile(
    r"treat|therap|prevent|protect|reduc|attenu|amelior|improv|reliev|manage|inhibit|antagon", re.IGNORECASE
)
_BY = re.compile(
    r"(induced|caused|produced|provoked|precipitated|associated|related|attributed|due|secondary) (by|with|to)\b",
    re.IGNORECASE,
)
# "cisplatin-induced", "haloperidol associated": the chemical named as the cause, right after its name
_INDUCED_AFTER = re.compile(r"\s?-?\s?(induced|associated|related|evoked|provoked|caused|dependent)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\bno\b|\bnot\b|\bwithout\b|\bneither\b|\bnor\b|absence", re.IGNORECASE)

FEATURES = [
    "bias",
    "same_sentence",
    "same_sentence_log",
    "sentence_distance",
    "chem_in_title",
    "dis_in_title",
    "both_in_title",
    "chem_count_log",
    "dis_count_log",
    "chem_rank_top",
    "dis_rank_top",
    "chem_share",
    "dis_share",
    "induced_pattern",
    "cause_words",
    "treat_words",
    "negation",
    "chem_first",
    "n_chemicals_log",
    "n_diseases_log",
    "title_cause",
    "disease_by_chemical",
    "chem_main",
    "chem_main_other_sentence",
    "chem_then_induced",
    "closest_chars_log",
    "sentences_shared",
    "chem_first_position",
    "dis_first_position",
    *PRIOR_FEATURES,
]


HASH_DIM = 1 << 14
_WORD = re.compile(r"[a-z]+")


def _hashed(prefix: str, text: str, into: set[int]) -> None:
    for w in _WORD.findall(text.lower()):
        into.add(zlib.crc32(f"{prefix}{w}".encode()) % HASH_DIM)


def sentence_bounds(text: str) -> list[int]:
    """Start offsets of the sentences of ``text`` (the title counts as the first)."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


Candidate = tuple[list[float], set[int]]  # dense features, hashed words (between the two, and around them)


def candidates(
    text: str,
    title_len: int,
    entities: Sequence[tuple[int, int, str, str]],
    prior: Prior | None = None,
    own: Annotated | None = None,
) -> dict[tuple[str, str], Candidate]:
    """Features of every co-occurring (chemical, disease) concept pair; entities are (start, end, type, concept).

    ``prior``: counts from the annotated abstracts (no prior: its features are 0); ``own``: the
    annotations of this abstract when it is a training row, left out of those counts."""
    starts = sentence_bounds(text)

    def sentence(pos: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    by_type: dict[str, list[tuple[int, int, str, int]]] = {CHEMICAL: [], DISEASE: []}
    for s, e, kind, concept in entities:
        if kind in by_type:
            by_type[kind].append((s, e, concept, sentence(s)))
    chem_counts = Counter(c for _, _, c, _ in by_type[CHEMICAL])
    dis_counts = Counter(c for _, _, c, _ in by_type[DISEASE])
    if not chem_counts or not dis_counts:
        return {}
    chem_top = max(chem_counts.values())
    dis_top = max(dis_counts.values())
    n_chem, n_dis = sum(chem_counts.values()), sum(dis_counts.values())
    out: dict[tuple[str, str], Candidate] = {}
    for chem in chem_counts:
        cms = [m for m in by_type[CHEMICAL] if m[2] == chem]
        for dis in dis_counts:
            dms = [m for m in by_type[DISEASE] if m[2] == dis]
            same = 0
            induced = reverse = cause = treat = negation = title_cause = 0
            chem_first = chem_induced = 0
            best = closest = math.inf
            shared: set[int] = set()
            words: set[int] = set()
            for cs, ce, _, csent in cms:
                for ds, de, _, dsent in dms:
                    best = min(best, abs(csent - dsent))
                    if csent != dsent:
                        continue
                    same += 1
                    shared.add(csent)
                    chem_induced |= bool(_INDUCED_AFTER.match(text, ce, ce + 16))
                    lo, hi = (ce, ds) if ce <= ds else (de, cs)
                    between = text[lo:hi]
                    closest = min(closest, max(hi - lo, 0))
                    if len(between) < 150:
                        _hashed("b:", between, words)
                    _hashed("l:", text[max(starts[csent], min(cs, ds) - 30) : min(cs, ds)], words)
                    if ce <= ds:
                        chem_first = 1
                        if len(between) < 40 and re.search(r"induc|associat|relat|caus", between, re.IGNORECASE):
                            induced = 1
                    elif len(between) < 60 and _BY.search(between):
                        reverse = 1
                    send = starts[csent + 1] if csent + 1 < len(starts) else len(text)
                    whole = text[starts[csent] : send]
                    cause |= bool(_CAUSE.search(whole))
                    treat |= bool(_TREAT.search(between))
                    negation |= bool(_NEGATION.search(between))
                    title_cause |= bool(cs < title_len and _CAUSE.search(whole))
            chem_title = any(s < title_len for s, _, _, _ in cms)
            dis_title = any(s < title_len for s, _, _, _ in dms)
            out[chem, dis] = (
                [
                    1.0,
                    float(same > 0),
                    math.log1p(same),
                    min(best, 10) / 10.0,
                    float(chem_title),
                    float(dis_title),
                    float(chem_title and dis_title),
                    math.log1p(chem_counts[chem]),
                    math.log1p(dis_counts[dis]),
                    float(chem_counts[chem] == chem_top),
                    float(dis_counts[dis] == dis_top),
                    chem_counts[chem] / n_chem,
                    dis_counts[dis] / n_dis,
                    float(induced),
                    float(cause),
                    float(treat),
                    float(negation),
                    float(chem_first),
                    math.log1p(len(chem_counts)),
                    math.log1p(len(dis_counts)),
                    float(title_cause),
                    float(reverse),
                    float(chem_title and chem_counts[chem] == chem_top),
                    float(same == 0 and chem_title and chem_counts[chem] == chem_top),
                    float(chem_induced),
                    math.log1p(closest) / 6.0 if same else 1.5,
                    len(shared) / len(starts),
                    min(m[3] for m in cms) / len(starts),
                    min(m[3] for m in dms) / len(starts),
                    *(prior.features(chem, dis, own) if prior is not None else [0.0] * len(PRIOR_FEATURES)),
                ],
                words,
            )
    return out


class RelationModel:
    """The pair classifier and, when fitted with one, the second look that weighs a pair's score
    against the other pairs of its abstract (``ranking.py``)."""

    def __init__(
        self,
        weights: Sequence[float],
        words: dict[int, float],
        threshold: float,
        prior: Prior | None = None,
        ranker: Sequence[float] | None = None,
    ):
        self.weights = list(weights)
        self.words = words
        self.threshold = threshold
        self.prior = prior
        self.ranker = list(ranker) if ranker is not None else None
        # disease id -> the disease ids above it in MeSH (``mesh.py``); set where the lists ship
        self.broader: dict[str, list[str]] = {}

    def logit(self, candidate: Candidate) -> float:
        """The first classifier's log-odds for one pair."""
        dense, words = candidate
        return sum(w * x for w, x in zip(self.weights, dense, strict=True)) + sum(self.words.get(i, 0.0) for i in words)

    def scores(self, pairs: dict[Pair, Candidate]) -> dict[Pair, float]:
        """The probability of each candidate pair of one abstract."""
        keys = list(pairs)
        logits = [self.logit(pairs[p]) for p in keys]
        if self.ranker is None:
            return {p: _sigmoid(z) for p, z in zip(keys, logits, strict=True)}
        features = relative_features(logits, keys)
        return {p: ranked(self.ranker, f) for p, f in zip(keys, features, strict=True)}

    def predict(
        self, text: str, title_len: int, entities: Sequence[tuple[int, int, str, str]]
    ) -> list[tuple[str, str]]:
        scores = self.scores(candidates(text, title_len, entities, self.prior))
        return sorted(narrowest({p for p, s in scores.items() if s >= self.threshold}, self.broader))

    def to_json(self, path: Path) -> None:
        words = {str(i): round(w, 5) for i, w in sorted(self.words.items()) if abs(w) > 1e-4}
        path.write_text(
            json.dumps(
                {
                    "features": FEATURES,
                    "hash_dim": HASH_DIM,
                    "weights": self.weights,
                    "words": words,
                    "threshold": self.threshold,
                    "prior": self.prior.to_dict() if self.prior is not None else None,
                    "rank_features": RANK_FEATURES,
                    "ranker": self.ranker,
                }
            )
        )

    @classmethod
    def from_json(cls, path: Path) -> RelationModel:
        data = json.loads(path.read_text())
        if data["features"] != FEATURES or data["hash_dim"] != HASH_DIM or data.get("rank_features") != RANK_FEATURES:
            raise ValueError(f"{path} was fitted on other features; rerun python -m retrieval.library.entities.train")
        prior = Prior.from_dict(data["prior"]) if data.get("prior") else None
        words = {int(k): v for k, v in data["words"].items()}
        return cls(data["weights"], words, data["threshold"], prior, data.get("ranker"))


def narrowest(pairs: set[Pair], broader: dict[str, list[str]]) -> set[Pair]:
    """``pairs`` less a drug's pair with a disease when it is also paired with a narrower one: CDR annotates
    the most specific disease a drug induces ("hepatitis", not also "liver diseases")."""
    narrower_of: dict[str, set[str]] = {}
    for chemical, disease in pairs:
        for above in broader.get(disease, ()):
            narrower_of.setdefault(chemical + "\0" + above, set()).add(disease)
    return {(c, d) for c, d in pairs if c + "\0" + d not in narrower_of}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


FOLDS = 5


def fit(
    rows: Sequence[Candidate],
    labels: Sequence[int],
    keys: Sequence[tuple[str, Pair]],
    c: float = 1.0,
    prior: Prior | None = None,
) -> RelationModel:
    """The pair classifier on all rows, and the second look fitted on the classifier's out-of-fold
    logits (folds by abstract; ``keys``: each row's (abstract id, pair)); threshold 0.5 until tuned.
    ``prior``: the counts the rows' prior features came from, kept to score new abstracts."""
    from sklearn.model_selection import GroupKFold

    model = _fit_pairs(rows, labels, c, prior)
    logits = [0.0] * len(rows)
    folds = GroupKFold(FOLDS).split(rows, labels, [doc for doc, _ in keys])
    for inside, outside in folds:
        part = _fit_pairs([rows[i] for i in inside], [labels[i] for i in inside], c, None)
        for i in outside:
            logits[i] = part.logit(rows[i])
    model.ranker = fit_ranker(by_abstract(keys, logits), labels)
    return model


def _fit_pairs(rows: Sequence[Candidate], labels: Sequence[int], c: float, prior: Prior | None) -> RelationModel:
    """A logistic regression over the dense features and the hashed words."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    dense = csr_matrix(np.array([r[0] for r in rows], dtype=np.float64))
    indptr, indices = [0], []
    for _, words in rows:
        indices.extend(sorted(words))
        indptr.append(len(indices))
    sparse = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), HASH_DIM))
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=3000, class_weight="balanced")
    model.fit(hstack([dense, sparse]).tocsr(), list(labels))
    coef = model.coef_[0]
    n = len(FEATURES)
    return RelationModel([float(w) for w in coef[:n]], {i: float(w) for i, w in enumerate(coef[n:]) if w}, 0.5, prior)
