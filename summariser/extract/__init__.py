"""The article made ready to ask about, and its answers checked: ids, names, figures, choices,
prompts, grounding."""
