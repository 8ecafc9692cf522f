"""One chat model per process and configuration, shared by every caller (the web app's sessions too).

Loading a GGUF takes seconds and a gigabyte of memory, so it happens once. llama.cpp
runs one generation at a time on a model, hence the lock handed out with it.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel

from retrieval.answers.llm.llamacpp_chat import make_llamacpp_chat
from retrieval.answers.llm.ollama_chat import make_ollama_chat
from retrieval.answers.llm.openai_chat import make_openai_chat
from retrieval.settings import Settings

PROVIDERS = {"llamacpp": make_llamacpp_chat, "ollama": make_ollama_chat, "openai": make_openai_chat}


@dataclass
class LoadedChatModel:
    model: BaseChatModel
    lock: AbstractContextManager  # hold while generating


_models: dict[tuple, LoadedChatModel] = {}
_models_lock = threading.Lock()


def _key(settings: Settings) -> tuple:
    return (
        settings.llm_provider,
        settings.llm_model,
        str(settings.models_dir.resolve()) if not settings.llm_model else "",
        settings.llm_base_url,
        settings.llm_api_key,
        settings.llm_max_tokens,
        settings.llm_context_tokens,
        settings.llm_threads,
    )


def get_chat_model(settings: Settings) -> LoadedChatModel:
    """The cached chat model for these settings, loading it on first use."""
    key = _key(settings)
    with _models_lock:
        if key not in _models:
            model = PROVIDERS[settings.llm_provider](settings)
            lock = threading.Lock() if settings.llm_provider == "llamacpp" else nullcontext()
            _models[key] = LoadedChatModel(model, lock)
        return _models[key]
