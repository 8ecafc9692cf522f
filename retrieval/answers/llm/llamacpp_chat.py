"""The local chat model: a GGUF run in-process by llama.cpp (the bundled Qwen2.5 1.5B by default)."""

from __future__ import annotations

import os
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel

from retrieval.answers.llm.model_file import bundled_model_path
from retrieval.settings import Settings


def model_path(settings: Settings) -> Path:
    """The GGUF to load: ``MEDLIT_LLM_MODEL`` if set, else the bundled model (built on first use)."""
    if not settings.llm_model:
        return bundled_model_path(settings.models_dir)
    path = Path(settings.llm_model).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"GGUF model file not found: {path} (set MEDLIT_LLM_MODEL to a .gguf file, or leave it empty)"
        )
    return path


def make_llamacpp_chat(settings: Settings) -> BaseChatModel:
    path = model_path(settings)
    from langchain_community.chat_models import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.llm_context_tokens,
        n_batch=512,  # prompt tokens evaluated per step: the default of 8 makes a 1k-token prompt take minutes
        n_threads=settings.llm_threads or os.cpu_count() or 1,
        max_tokens=settings.llm_max_tokens,
        temperature=0.0,
        # 0 = take RoPE settings from the GGUF; the wrapper's defaults (base 10000) would override Qwen's 1e6.
        rope_freq_base=0.0,
        rope_freq_scale=0.0,
        streaming=True,
        verbose=False,
    )
