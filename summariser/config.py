"""Settings for one run, gathered once from arguments and the environment.

Every door (CLI, Python API, Slack) builds a `Settings`, so what a brief asks and of whom is decided
in one visible place. The environment is read below only for where things live and what may never
leak: the cache's path (`model.cache`), pulled models' folder and mirror (`model.pulled`), private
addresses allowed (`input.sources`), and the secrets to mask (`model.redact`).
"""

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from summariser.errors import InputError

DEFAULT_MODEL = "gpt-4o-mini"
MODES = ("tools", "json_schema", "json")
DEFAULT_MAX_REQUESTS = 3
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Settings:
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str | None = None
    timeout: float | None = None  # seconds per request; None: DEFAULT_TIMEOUT, or LOCAL_TIMEOUT locally
    replay: Path | None = None
    record: Path | None = None
    strict: bool = False
    cache: bool = True
    max_article_tokens: int = 4000  # past this an article is split; fits an 8k-context local model
    omission_reask: bool = True  # re-ask once for quotes and figures the detectors found but the brief lacks
    local_model: Path | None = None
    served_by: str | None = None  # what answers, in words, for recordings (set by summariser.model.local)
    max_requests: int = DEFAULT_MAX_REQUESTS  # requests per brief: the first, re-asks, the headline

    @classmethod
    def from_env(cls, **given: object) -> "Settings":
        """Explicit values win; then the contract's environment variables; then defaults."""
        env = os.environ
        values: dict[str, object] = {
            "model": env.get("SUMMARISER_MODEL"),
            "base_url": env.get("OPENAI_BASE_URL"),
            "api_key": env.get("OPENAI_API_KEY"),
            "mode": env.get("SUMMARISER_MODE"),
            "local_model": env.get("SUMMARISER_LOCAL_MODEL"),
        }
        if env.get("SUMMARISER_MAX_ARTICLE_TOKENS"):
            values["max_article_tokens"] = _positive(
                "SUMMARISER_MAX_ARTICLE_TOKENS",
                env["SUMMARISER_MAX_ARTICLE_TOKENS"],
                int,
                "a number of tokens",
            )
        if env.get("SUMMARISER_TIMEOUT"):
            values["timeout"] = _positive(
                "SUMMARISER_TIMEOUT", env["SUMMARISER_TIMEOUT"], float, "a number of seconds"
            )
        values.update({k: v for k, v in given.items() if v is not None})
        for name in ("replay", "record", "local_model"):
            if values.get(name) is not None:
                values[name] = Path(str(values[name]))
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.mode is not None and settings.mode not in MODES:
            raise InputError(f"unknown mode {settings.mode!r}: use one of {', '.join(MODES)}")
        if settings.timeout is not None and not 0 < settings.timeout <= 86_400:  # NaN fails this too
            raise InputError(f"the timeout must be between 0 and 86400 seconds, not {settings.timeout}")
        if settings.max_requests < 1:
            raise InputError("max_requests must be at least 1")
        if settings.replay is not None and settings.record is not None:
            raise InputError("--replay answers from recordings and --record makes them: give one of the two")
        if settings.replay is not None and not settings.replay.is_dir():
            raise InputError(f"--replay {settings.replay}: no such directory of recordings")
        return settings

    @property
    def request_timeout(self) -> float:
        return self.timeout or DEFAULT_TIMEOUT

    def with_defaults(self, model: str | None, mode: str | None, served_by: str | None = None) -> "Settings":
        """Fill model and mode where the user left them open (a tape's own, else ours), and what
        served a tape, where it says."""
        return replace(
            self,
            model=self.model or model or DEFAULT_MODEL,
            mode=self.mode or mode or "tools",
            served_by=self.served_by or served_by,
        )

    @property
    def model_name(self) -> str:
        """The model as a person would recognise it: the GGUF file a local server runs ("… with
        FILE.gguf"), else the name the provider knows it by."""
        if self.served_by and " with " in self.served_by:
            return self.served_by.rsplit(" with ", 1)[1]
        return str(self.model)


Number = TypeVar("Number", int, float)


def _positive(name: str, raw: str, kind: type[Number], what: str) -> Number:
    try:
        value = kind(raw)
    except ValueError:
        raise InputError(f"{name} must be {what}, not {raw!r}") from None
    if value <= 0:
        raise InputError(f"{name} must be positive")
    return value
