"""Keys and tokens are masked wherever text leaves the process."""

import logging

from summariser.model.redact import MASK, RedactingFilter, redact


def test_known_secrets_and_key_shaped_tokens_are_masked(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "local-secret-value")
    text = "key local-secret-value, echo sk-proj-abcDEF123456, slack xoxb-1234-abcdef, Bearer abc.def.ghi.jkl"
    assert redact(text) == f"key {MASK}, echo {MASK}, slack {MASK}, {MASK}"


def test_the_logging_filter_masks_messages_and_their_arguments():
    record = logging.LogRecord(
        "instructor", logging.ERROR, __file__, 1, "failed: %s", ("sk-abcdefghijkl",), None
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == f"failed: {MASK}"


def test_a_known_secret_cut_short_by_a_message_is_masked_in_part():
    secret = "gateway-7f3a9c2e51b04d8e0c6b"
    cut = f"input_value='{secret[:14]}...{secret[-9:]}'"
    assert redact(cut, (secret,)) == f"input_value='{MASK}...{MASK}'"
