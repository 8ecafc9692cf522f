"""A chat model behind an OpenAI-compatible endpoint (``MEDLIT_LLM_PROVIDER=openai``; e.g. a llama.cpp server)."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from retrieval.errors import UserError
from retrieval.settings import Settings


def make_openai_chat(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    if not settings.llm_model:
        raise UserError("MEDLIT_LLM_MODEL must name the served model when the provider is openai.")
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        # Local OpenAI-compatible servers accept any key; the client insists on one being set.
        api_key=settings.llm_api_key or "not-needed",
        temperature=0.0,
        max_tokens=settings.llm_max_tokens,
        streaming=True,
    )
