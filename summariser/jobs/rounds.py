"""Briefs made in rounds: the live pipeline, unchanged, answered from batch results instead of a
server.

A batch answers hours later, so a brief cannot wait on its request the way a live one does. Instead
every brief is run again from its start after each round (grounding is deterministic and cheap next
to a model): each request it makes is looked up in the answers the rounds brought back, by its
article and the sha256 of its exact body. An answered request is answered at once, through the same
openai and instructor code as a live one; the first request that has no answer yet is parked for the
next round and the brief stops there (`Parked`). So the batch's requests are byte for byte the ones
a live run would send, re-asks included, and the per-brief request budget is the live one.
"""

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

import httpx

from summariser.errors import ProviderError
from summariser.model.parts import Parked, current_part

BATCH_URL = "/v1/chat/completions"


@dataclass(frozen=True)
class Request:
    """A request a brief made that no round has answered yet."""

    article: int
    chunk: int
    body: dict[str, Any]
    sha256: str

    def line(self, custom_id: str) -> dict[str, Any]:
        """The request as a line of a batch input file."""
        return {"custom_id": custom_id, "method": "POST", "url": BATCH_URL, "body": self.body}


@dataclass(frozen=True)
class Answer:
    """What a round brought back for one request: a completion, or why there is none."""

    completion: dict[str, Any] | None
    error: str = ""


def fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def custom_id(article: int, chunk: int, round_number: int) -> str:
    return f"a{article}-c{chunk}-r{round_number}"


def article_of(identifier: str) -> int:
    return int(identifier.split("-", 1)[0].removeprefix("a"))


class Ledger:
    """Every request sent in a round, what came back (kept by article, and let go once its brief is
    written), and the requests parked in this pass."""

    def __init__(self) -> None:
        self._sent: dict[tuple[int, str], str] = {}  # (article, body sha256) -> custom id
        self._key_of: dict[str, tuple[int, str]] = {}
        self._answers: dict[int, dict[str, Answer]] = {}
        self._lock = threading.Lock()
        self.parked: dict[tuple[int, int], Request] = {}

    def sent(self, identifier: str, sha256: str) -> None:
        """A request that went out in a round (a later one for the same body replaces it)."""
        key = (article_of(identifier), sha256)
        self._sent[key] = identifier
        self._key_of[identifier] = key

    def answered(self, identifier: str, answer: Answer) -> None:
        self._answers.setdefault(article_of(identifier), {})[identifier] = answer

    def answer_to(self, identifier: str) -> Answer | None:
        return self._answers.get(article_of(identifier), {}).get(identifier)

    def unsent(self, identifier: str) -> None:
        """A request its batch never ran (cancelled by the user): parked again, to be sent again."""
        key = self._key_of.pop(identifier, None)
        if key is not None and self._sent.get(key) == identifier:
            del self._sent[key]

    def forget_failures(self) -> None:
        """Requests whose rounds failed them, sent again by this run rather than failing again."""
        for answers in self._answers.values():
            for identifier in [i for i, answer in answers.items() if answer.completion is None]:
                del answers[identifier]
                self.unsent(identifier)

    def done_with(self, article: int) -> None:
        """An article whose brief is written: its answers let go, and what it had parked (chunks
        still asking when another failed the brief) never sent."""
        self._answers.pop(article, None)
        for key in [key for key in self.parked if key[0] == article]:
            del self.parked[key]

    def lookup(self, article: int, body: dict[str, Any]) -> Answer | None:
        """The answer to this exact request; None, the request parked, when no round has one yet."""
        sha256 = fingerprint(body)
        identifier = self._sent.get((article, sha256))
        if identifier is not None:
            return self._answers.get(article, {}).get(identifier)
        request = Request(article, current_part(), body, sha256)
        with self._lock:
            self.parked[(article, request.chunk)] = request
        return None


class RoundTransport(httpx.BaseTransport):
    """The bottom of the model client in a batch run: answers from the ledger, never the network.
    `article` is the brief being made (briefs run one at a time; only chunks share it)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.article = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read())
        answer = self.ledger.lookup(self.article, body)
        if answer is None:
            raise Parked()
        if answer.completion is None:
            raise ProviderError(answer.error)
        return httpx.Response(200, json=answer.completion, request=request)

    def close(self) -> None:
        pass
