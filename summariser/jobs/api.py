"""The provider's Batch API over HTTP: files uploaded, batches created, polled, listed and cancelled,
result files downloaded. Nothing here knows about briefs; `summariser.jobs.job` decides what to send.

Written on httpx rather than openai's `files`/`batches` resources so that every read is bounded
before it happens (a result file is streamed to disk under a size cap, never held whole) and every
call keeps to a total time limit, as model requests do (`summariser.model.deadline`). Idempotent calls are
retried by the one retry policy; creating a batch is not: it costs money, so a create whose answer
was lost is looked up by its metadata before it is ever sent again.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from summariser.errors import ProviderError
from summariser.model import deadline
from summariser.model.redact import redact
from summariser.model.retry import RetryPolicy, RetryTransport

# The provider's documented limits for one batch (OpenAI: 50,000 requests, a 200 MB input file).
MAX_REQUESTS = 50_000
MAX_FILE_BYTES = 200_000_000
MAX_JSON_BYTES = 8_000_000  # a batch object or a page of them is a few kilobytes
MAX_RESULT_BYTES = 2_000_000_000  # a full batch's output: 50,000 completions of a few kilobytes
TRANSFER_SECONDS = 3600.0  # a whole input or result file, sent or received
LIST_PAGES = 10  # how far back a lost batch is looked for: it is among the newest


class BatchAPI:
    """One provider's Batch API; `close()` when done."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        timeout: float,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        inner = deadline.streaming(deadline.proxy_for(self.base_url))
        # each call sets its own total (`deadline.within`), the tighter of the two limits wins
        retry: dict[str, Any] = {"policy": RetryPolicy(), "attempt_seconds": TRANSFER_SECONDS}
        if sleep is not None:
            retry["sleep"] = sleep
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self._retrying = httpx.Client(
            transport=RetryTransport(inner, **retry), headers=headers, timeout=limits
        )
        self._once = httpx.Client(transport=inner, headers=headers, timeout=limits)

    def close(self) -> None:
        self._retrying.close()  # closes the transport both clients share

    def upload(self, path: Path) -> str:
        """The id of `path` uploaded with purpose `batch`; uploading twice costs nothing but space."""
        with path.open("rb") as file:
            files = {"file": (path.name, file, "application/jsonl")}
            answer = self._json(
                "POST", "/files", seconds=TRANSFER_SECONDS, files=files, data={"purpose": "batch"}
            )
        return str(self._identified(answer, "an uploaded file")["id"])

    def create(self, file_id: str, metadata: dict[str, str]) -> dict[str, Any]:
        """A new batch over the uploaded file, sent once a run: when its answer is lost, the batch
        is looked for by its metadata and input file; if the provider does not list it (yet), the
        run stops rather than pay twice, and its rerun looks again before anything is sent."""
        body = {
            "input_file_id": file_id,
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
            "metadata": metadata,
        }
        try:
            answer = self._json("POST", "/batches", json=body, client=self._once)
        except ProviderError as error:
            if not isinstance(error.__cause__, httpx.TransportError):
                raise
            answer = self.find(metadata, file_id)
            if answer is None:
                raise ProviderError(
                    f"{error}, creating a batch; it may exist: rerun the same command, which looks for it "
                    "before creating another"
                ) from error
        return self._identified(answer, "a created batch")

    def get(self, batch_id: str) -> dict[str, Any]:
        return self._identified(self._json("GET", f"/batches/{batch_id}"), "a batch")

    def cancel(self, batch_id: str) -> dict[str, Any]:
        return self._identified(self._json("POST", f"/batches/{batch_id}/cancel"), "a cancelled batch")

    def _identified(self, answer: dict[str, Any], what: str) -> dict[str, Any]:
        """An object with the id everything after depends on: one without is the provider's fault,
        never recorded (a batch recorded as "None" could never be found again)."""
        if not isinstance(answer.get("id"), str) or not answer["id"]:
            raise ProviderError(f"{self._origin()} answered {what} without an id")
        return answer

    def find(self, metadata: dict[str, str], file_id: str) -> dict[str, Any] | None:
        """The batch made from `file_id` with this metadata, among the newest; None if there is none."""
        after: str | None = None
        for _ in range(LIST_PAGES):
            page = self._json("GET", "/batches", params={"limit": 100, **({"after": after} if after else {})})
            batches = [b for b in page.get("data") or [] if isinstance(b, dict)]
            for batch in batches:
                if batch.get("input_file_id") == file_id and batch.get("metadata") == metadata:
                    return batch
            if not page.get("has_more") or not batches or not isinstance(batches[-1].get("id"), str):
                return None
            after = batches[-1]["id"]
        return None

    def download(self, file_id: str, path: Path) -> None:
        """A result file saved to `path`, streamed under MAX_RESULT_BYTES and TRANSFER_SECONDS."""
        url = f"{self.base_url}/files/{file_id}/content"
        partial = path.with_name(path.name + ".part")
        try:
            with deadline.within(TRANSFER_SECONDS), self._retrying.stream("GET", url) as response:
                self._check(response)
                written = 0
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes():
                        written += len(chunk)
                        if written > MAX_RESULT_BYTES:
                            raise ProviderError(
                                f"{self._origin()}: result file {file_id} is larger than "
                                f"{MAX_RESULT_BYTES:,} bytes; refused"
                            )
                        out.write(chunk)
        except httpx.HTTPError as error:
            partial.unlink(missing_ok=True)
            raise self._unreachable(error) from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)

    def _json(
        self,
        method: str,
        path: str,
        client: httpx.Client | None = None,
        seconds: float | None = None,
        **options: Any,
    ) -> Any:
        """One call's JSON answer, read within its bound, all of it within `seconds` (the timeout)."""
        try:
            with (
                deadline.within(seconds or self.timeout),
                (client or self._retrying).stream(method, self.base_url + path, **options) as response,
            ):
                self._check(response)
                body = _read(response, MAX_JSON_BYTES)
        except httpx.HTTPError as error:
            raise self._unreachable(error) from error
        if body is None:
            raise ProviderError(f"{self._origin()} answered {path} with over {MAX_JSON_BYTES:,} bytes")
        try:
            answer = json.loads(body)
        except ValueError:
            raise ProviderError(
                f"{self._origin()} answered {method} {path} with something not JSON"
            ) from None
        if not isinstance(answer, dict):
            raise ProviderError(f"{self._origin()} answered {method} {path} with JSON that is no object")
        return answer

    def _check(self, response: httpx.Response) -> None:
        """A refusal as one line: our hint for the usual ones, else the provider's own message."""
        if response.status_code < 400:
            return
        hint = {
            401: "check OPENAI_API_KEY",
            403: "the key may not have access to the Batch API",
            404: "no such file or batch here (check --base-url)",
        }.get(response.status_code) or _message(_read(response, MAX_JSON_BYTES))
        raise ProviderError(f"{response.status_code} from {self._origin()}: {redact(hint)}")

    def _unreachable(self, error: httpx.HTTPError) -> ProviderError:
        if isinstance(error, httpx.TimeoutException):
            return ProviderError(f"{self._origin()} did not answer in time")
        reason = redact(" ".join(str(error).split())) or type(error).__name__
        return ProviderError(f"cannot reach {self._origin()}: {reason}")

    def _origin(self) -> str:
        return redact(self.base_url)


def _read(response: httpx.Response, limit: int) -> bytes | None:
    """The body, or None once it passes `limit` bytes (read no further)."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _message(body: bytes | None) -> str:
    """The provider's own error message, when its body says one."""
    try:
        error = json.loads(body or b"").get("error") or {}
        return " ".join(str(error.get("message") or "").split())[:300] or "the provider refused it"
    except (ValueError, AttributeError):
        return "the provider refused it"
