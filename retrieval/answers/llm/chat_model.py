"""One chat model per process and configuration, shared by every caller (the web app's sessions too).

Loading a GGUF takes seconds and a gigabyte of memory, so it happens once. llama.cpp
runs one generation at a time on a model, hence the lock handed out with it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel

from retrieval.answers.llm.llamacpp_chat import make_llamacpp_chat
from retrieval.answers.llm.ollama_chat import make_ollama_chat
from retrieval.answers.llm.openai_chat import make_openai_chat
from retrieval.settings import Settings

PROVIDERS = {"llamacpp": make_llamacpp_chat, "ollama": make_ollama_chat, "openai": make_openai_chat}
# The settings a chat model is made from: two settings equal in these share one loaded model.
MODEL_FIELDS = (
    "llm_provider",
    "llm_model",
    "llm_base_url",
    "llm_api_key",
    "llm_max_tokens",
    "llm_context_tokens",
    "llm_threads",
)


class Turns:
    """One generation at a time, first come first served, telling each waiter its place in the line.

    llama.cpp runs one generation at a time on a model; sessions that ask meanwhile wait here,
    and ``on_wait(n)`` hears how many questions are ahead of theirs whenever that changes.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._line: list[object] = []

    def __enter__(self) -> None:  # a plain lock for callers that need no place in the line
        self._wait(object(), None)

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._line.pop(0)
            self._cond.notify_all()

    @contextmanager
    def turn(self, on_wait: Callable[[int], None] | None = None) -> Iterator[None]:
        me = object()
        self._wait(me, on_wait)
        try:
            yield
        finally:
            with self._cond:
                self._line.remove(me)
                self._cond.notify_all()

    def _wait(self, me: object, on_wait: Callable[[int], None] | None) -> None:
        told = None
        with self._cond:
            self._line.append(me)
            while self._line[0] is not me:
                ahead = self._line.index(me)
                if on_wait is not None and ahead != told:
                    on_wait(ahead)
                    told = ahead
                self._cond.wait(0.5)

    @property
    def waiting(self) -> int:
        with self._cond:
            return max(0, len(self._line) - 1)


@dataclass
class LoadedChatModel:
    model: BaseChatModel
    lock: AbstractContextManager  # hold while generating (a Turns for the local model)

    def turn(self, on_wait: Callable[[int], None] | None = None) -> AbstractContextManager:
        return self.lock.turn(on_wait) if isinstance(self.lock, Turns) else self.lock


_load_lock = threading.Lock()  # two sessions asking at once must not load the model twice


def get_chat_model(settings: Settings) -> LoadedChatModel:
    """The cached chat model for these settings, loading it on first use."""
    # The bundled model is assembled into the data folder's models/, so that folder is part of its identity.
    models_dir = "" if settings.llm_model else str(settings.models_dir.resolve())
    with _load_lock:
        return _load(tuple(getattr(settings, name) for name in MODEL_FIELDS), models_dir)


@lru_cache(maxsize=4)
def _load(fields: tuple, models_dir: str) -> LoadedChatModel:
    data_dir = {"data_dir": Path(models_dir).parent} if models_dir else {}
    settings = Settings.model_construct(**dict(zip(MODEL_FIELDS, fields, strict=True)), **data_dir)
    model = PROVIDERS[settings.llm_provider](settings)
    lock = Turns() if settings.llm_provider == "llamacpp" else nullcontext()
    return LoadedChatModel(model, lock)
