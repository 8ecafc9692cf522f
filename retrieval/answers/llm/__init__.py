"""Answers written by a language model, kept only where the cited abstracts support them.

``answer.generate_verified`` is the entry point; ``retrieval.answers.llm.verify`` holds the
checks every generated sentence must pass before anyone sees it.
"""
