"""Renderers: a grounded Brief in, text for a reader out. They only read the Brief."""

from summariser.brief import Flag


def flag_note(flag: Flag) -> str | None:
    """What a passage flagged as an instruction to an AI means for the editor; None for other flags,
    which speak for themselves."""
    if flag.kind == "possible_injection":
        return "reads like an instruction to an AI; kept, check it"
    if flag.kind != "injection":
        return None
    if flag.span is None:  # nowhere in the article text: the page hid it from its readers
        return "hidden on the page, never sent to the model"
    return "withheld from the model, as it addressed instructions to an AI"
