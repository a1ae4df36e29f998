"""The deterministic detectors, in one place: what the brief should contain and what must not reach
the model, found before any model reads the article.

They need no model and run in milliseconds, so every brief is checked against them: quoted passages
of six words or more (`summariser.detect.findings`), casualty figures
(`summariser.detect.harm`), and passages that address instructions to an AI
(`summariser.detect.instructions`). Every finding carries its span in the source as read.
"""

from summariser.detect.findings import quotes
from summariser.detect.harm import casualties
from summariser.detect.instructions import injections

__all__ = ["casualties", "injections", "quotes"]
