"""Three sessions ask the local model at once: they take turns, and each waiting one hears its place."""

from __future__ import annotations

import threading
import time

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from retrieval.answers.llm import answer as answer_module
from retrieval.answers.llm.chat_model import LoadedChatModel, Turns
from retrieval.library import Library
from retrieval.settings import Settings
from tests.library_support import HONEY_HITS


def test_turns_are_first_come_first_served_and_tell_each_waiter_its_place():
    turns, order, heard = Turns(), [], {}
    gate = threading.Event()

    def session(n: int) -> None:
        with turns.turn(lambda ahead: heard.setdefault(n, []).append(ahead)):
            order.append(n)
            if n == 0:
                gate.wait(5)  # hold the model until the others are in line
            time.sleep(0.3)  # a generation takes a while

    threads = [threading.Thread(target=session, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.2)  # arrive in order
    assert turns.waiting == 2
    gate.set()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2]
    assert heard == {1: [1], 2: [2, 1]}  # the third first had two ahead, then one
    assert turns.waiting == 0


def test_three_sessions_ask_the_local_model_at_once(tmp_path, monkeypatch):
    library = Library(Settings(data_dir=tmp_path))
    model = FakeListChatModel(responses=["Honey reduced cough [34000001]."], sleep=0.05)  # ~0.5 s an answer
    shared = LoadedChatModel(model, Turns())
    monkeypatch.setattr(answer_module, "get_chat_model", lambda settings: shared)
    monkeypatch.setattr(answer_module, "verify_draft", lambda raw, docs, embed, threshold, entails=None: _Passed(raw))
    places: dict[int, list[int]] = {}
    drafts: dict[int, object] = {}

    def session(n: int) -> None:
        drafts[n] = answer_module.generate_verified(
            library, "Does honey help cough?", HONEY_HITS, on_queue=lambda ahead: places.setdefault(n, []).append(ahead)
        )

    threads = [threading.Thread(target=session, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join(30)
    assert len(drafts) == 3 and all(d.raw for d in drafts.values())  # every session got its answer
    assert sorted(max(p) for p in places.values()) == [1, 2]  # two waited, one behind the other


class _Passed:
    def __init__(self, raw: str) -> None:
        self.sentences = [(raw, ["34000001"])]
        self.removed = []
        self.dropped_citations = []
        self.said_insufficient = False
