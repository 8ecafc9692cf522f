"""A chat model served by a local Ollama (``MEDLIT_LLM_PROVIDER=ollama``)."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from retrieval.errors import UserError
from retrieval.settings import Settings


def make_ollama_chat(settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    if not settings.llm_model:
        raise UserError("MEDLIT_LLM_MODEL must name an Ollama model (e.g. qwen2.5:1.5b) when the provider is ollama.")
    return ChatOllama(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        temperature=0.0,
        num_predict=settings.llm_max_tokens,
        num_ctx=settings.llm_context_tokens,
    )
