"""Secrets never leave: masks API keys and tokens in any text bound for a user, a log or a file.

Providers echo keys back in their errors ("Incorrect API key provided: sk-...") and libraries log
those errors verbatim, so masking happens where text leaves the process, not where it is made.
"""

import logging
import os
import re

_TOKEN = re.compile(
    r"\b(sk-[A-Za-z0-9_\-*]{6,}|xox[abposr]-[A-Za-z0-9\-]{6,}|Bearer\s+[A-Za-z0-9._\-~+/=]{8,})"
)
_SECRET_VARIABLES = ("OPENAI_API_KEY", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
MASK = "[redacted]"


PART = 8  # a secret's first or last this many characters are masked too: messages cut values short


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """The text with every known secret masked, whole or cut ("…" where a message shortened it):
    a key a server echoes into a pydantic message may stand there only in part."""
    known = [s for s in (*secrets, *(os.environ.get(v, "") for v in _SECRET_VARIABLES)) if len(s) >= 6]
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for secret in (s for s in known if len(s) > PART):
        for size in range(len(secret) - 1, PART - 1, -1):
            text = text.replace(secret[:size], MASK).replace(secret[-size:], MASK)
    return _TOKEN.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Masks secrets in every record that passes through the handler it is attached to."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
