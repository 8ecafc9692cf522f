"""Yes/no/maybe from the local language model by scoring, not writing.

Asked to write its answer, the bundled 1.5B model writes "yes" to almost everything.
Its next-token probabilities after a fixed prompt still carry signal: the margin of
" yes" over " no" separates yes from no questions. So the model reads the question and
the deciding sentences (about 150 tokens: the local model reads some 65 prompt tokens
a second on two cores) and we read its probabilities of yes, no and maybe, summed over
spellings ("yes", " Yes", ...), and renormalised over the three.

Raw, those probabilities are not a verdict; ``YesNoCalibration`` (a logistic regression
over their logs, fitted on PubMedQA dev by ``python -m retrieval calibrate-stance --llm``
and shipped as ``defaults/yesno_calibration.json`` with its provenance) turns them into
calibrated ones.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.answers.stance import (
    DEFAULTS_DIR,
    OFF_TOPIC,
    Stance,
    StanceModel,
    article_stance,
    deciding_sentences,
)
from retrieval.library.records import Article

ANSWERS = ("yes", "no", "maybe")
YESNO_CALIBRATION = "yesno_calibration.json"
SYSTEM = "You are a biomedical expert. Answer the research question from the evidence with one word: yes, no or maybe."
EVIDENCE_CHARS = 700  # about 150 tokens of evidence
_lock = threading.Lock()


def prompt(question: str, evidence_text: str) -> str:
    """The fixed prompt, ending where the model's one-word answer begins."""
    evidence = " ".join(evidence_text.split())[:EVIDENCE_CHARS]
    return one_word_prompt(
        SYSTEM, f"Evidence: {evidence}\nQuestion: {' '.join(question.split())}\nAnswer yes, no or maybe."
    )


def one_word_prompt(system: str, user: str) -> str:
    """A system and a user turn in the bundled model's chat format (Qwen), ending where its one-word answer begins."""
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\nAnswer:"


def llama_of(chat_or_llama: Any) -> Any:
    """The ``llama_cpp.Llama`` behind a loaded chat model, a LangChain ``ChatLlamaCpp`` or a ``Llama`` itself."""
    obj = chat_or_llama
    for attribute in ("model", "client"):  # LoadedChatModel -> ChatLlamaCpp -> Llama
        if not hasattr(obj, "create_completion"):
            obj = getattr(obj, attribute, obj)
    if not (hasattr(obj, "tokenize") and hasattr(obj, "eval")):
        raise ValueError("Yes/no scoring needs a local llama.cpp model (MEDLIT_LLM_PROVIDER=llamacpp).")
    return obj


def token_ids(llama: Any, words: tuple[str, ...]) -> dict[str, list[int]]:
    """Token ids of each word's one-token spellings (with and without a leading space, any case)."""
    return _token_ids(id(llama), llama, words)


@lru_cache(maxsize=8)
def _token_ids(llama_id: int, llama: Any, words: tuple[str, ...]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for word in words:
        ids = set()
        for spelling in (word, word.capitalize(), " " + word, " " + word.capitalize()):
            tokens = llama.tokenize(spelling.encode("utf-8"), add_bos=False, special=False)
            if len(tokens) == 1:
                ids.add(tokens[0])
        out[word] = sorted(ids)
    return out


def next_token_logits(llama: Any, text: str) -> np.ndarray:
    """Logits of the token after ``text``; the shared prefix of the previous prompt is not read again."""
    import llama_cpp

    tokens = llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)
    with _lock:
        previous = list(llama.input_ids[: llama.n_tokens])
        common = 0
        for a, b in zip(previous, tokens[:-1], strict=False):  # keep at least the last token to evaluate
            if a != b:
                break
            common += 1
        llama.n_tokens = common
        llama.eval(tokens[common:])
        pointer = llama_cpp.llama_get_logits_ith(llama.ctx, -1)
        return np.ctypeslib.as_array(pointer, shape=(llama.n_vocab(),)).copy()


def yes_no_maybe_probabilities(chat_or_llama: Any, question: str, evidence_text: str) -> dict[str, float]:
    """The model's next-token probabilities of yes, no and maybe (renormalised over the three), raw."""
    llama = llama_of(chat_or_llama)
    logits = next_token_logits(llama, prompt(question, evidence_text)).astype(np.float64)
    logits -= logits.max()
    p = np.exp(logits)
    p /= p.sum()
    ids = token_ids(llama, ANSWERS)
    mass = {a: float(sum(p[i] for i in ids[a])) for a in ANSWERS}
    total = sum(mass.values()) or 1.0
    return {a: max(mass[a] / total, 1e-9) for a in ANSWERS}


def llm_features(probabilities: dict[str, float]) -> list[float]:
    """log p(yes) - log p(no) and log p(maybe) - log p(yes): what the calibration reads."""
    return [
        math.log(probabilities["yes"]) - math.log(probabilities["no"]),
        math.log(probabilities["maybe"]) - math.log(probabilities["yes"]),
    ]


def stance_features(probabilities: dict[str, float]) -> list[float]:
    """The stance classifier's log-odds: log p(supports) - log p(contradicts), log p(neutral) - log p(supports)."""
    p = {k: max(v, 1e-9) for k, v in probabilities.items()}
    return [math.log(p["supports"]) - math.log(p["contradicts"]), math.log(p["neutral"]) - math.log(p["supports"])]


@dataclass
class Logistic:
    """A multinomial logistic regression over a few named features (JSON-friendly)."""

    classes: list[str]
    features: list[str]
    coef: list[list[float]]
    intercept: list[float]

    def probabilities(self, x: list[float]) -> dict[str, float]:
        z = [
            b + sum(c * v for c, v in zip(row, x, strict=True))
            for row, b in zip(self.coef, self.intercept, strict=True)
        ]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        return {c: v / sum(e) for c, v in zip(self.classes, e, strict=True)}


@dataclass
class YesNoCalibration:
    """The language model's probabilities made honest, alone or combined with the stance classifier.

    ``llm_alone`` reads ``llm_features``; ``combined`` reads ``stance_features`` then ``llm_features``.
    Both answer yes / no / maybe.
    """

    llm_alone: Logistic
    combined: Logistic
    provenance: dict = field(default_factory=dict)

    def calibrated(self, probabilities: dict[str, float]) -> dict[str, float]:
        return self.llm_alone.probabilities(llm_features(probabilities))

    def combine(self, stance_probabilities: dict[str, float], probabilities: dict[str, float]) -> dict[str, float]:
        return self.combined.probabilities(stance_features(stance_probabilities) + llm_features(probabilities))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"llm_alone": asdict(self.llm_alone), "combined": asdict(self.combined), "provenance": self.provenance}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def load_yesno_calibration(path: Path | None = None) -> YesNoCalibration:
    """The shipped calibration (``defaults/yesno_calibration.json``) or the one at ``path``."""
    path = path or DEFAULTS_DIR / YESNO_CALIBRATION
    if not path.is_file():
        raise FileNotFoundError(f"No yes/no calibration at {path}: run `python -m retrieval calibrate-stance --llm`.")
    data = json.loads(path.read_text(encoding="utf-8"))
    return YesNoCalibration(Logistic(**data["llm_alone"]), Logistic(**data["combined"]), data.get("provenance", {}))


def load_llama(model_path: Path, threads: int = 0, n_ctx: int = 1024) -> Any:
    """A ``llama_cpp.Llama`` for scoring alone (no chat wrapper): small context, quiet."""
    import os

    from llama_cpp import Llama

    return Llama(
        model_path=str(model_path),
        n_ctx=n_ctx,
        n_batch=512,
        n_threads=threads or os.cpu_count() or 1,
        logits_all=False,
        verbose=False,
    )


STANCE_OF = {"yes": "supports", "no": "contradicts", "maybe": "neutral"}


def llm_article_stance(
    chat_or_llama: Any, calibration: YesNoCalibration, model: StanceModel, question: str, article: Article
) -> Stance:
    """``article_stance`` with the local model's scored yes/no/maybe combined in (about 150 prompt tokens).

    The model reads the same deciding sentences the classifier reads; an off-topic article stays neutral
    without asking it.
    """
    base = article_stance(model, question, article)
    if base.probabilities == OFF_TOPIC or not base.sentence:
        return base
    sentences, _ = deciding_sentences(question, article)
    raw = yes_no_maybe_probabilities(chat_or_llama, question, " ".join(sentences))
    combined = calibration.combine(base.probabilities, raw)
    p = {STANCE_OF[answer]: value for answer, value in combined.items()}
    label = max(p, key=p.__getitem__)
    return Stance(label, p[label], base.sentence, p)  # type: ignore[arg-type]
