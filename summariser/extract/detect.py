"""The deterministic detectors, in one place: what the brief should contain and what must not reach
the model, found before any model reads the article.

They need no model and run in milliseconds, so every brief is checked against them: quoted passages
of six words or more (`summariser.extract.findings`), casualty figures
(`summariser.extract.casualties`), and passages that address instructions to an AI
(`summariser.extract.instructions`). Every finding carries its span in the source as read.
"""

from summariser.extract.casualties import casualties
from summariser.extract.findings import quotes
from summariser.extract.instructions import injections

__all__ = ["casualties", "injections", "quotes"]
