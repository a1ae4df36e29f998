"""The brief as Markdown an editor reads in thirty seconds: bottom line first, every claim with its
claimant, every quote with its speaker, and a plain word on what could not be verified."""

from summariser.brief import Brief


def render(brief: Brief) -> str:
    out = [f"# {brief.headline}", "", brief.summary, ""]

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.extend([f"## {title}", "", *lines, ""])

    section("Key developments", [f"- {d.text}{_unverified(d.verified)}" for d in brief.key_developments])
    section(
        "Quotes",
        [
            f"> “{q.text}”  \n> — **{q.speaker}**" + (f", {q.context}" if q.context else "") + "\n"
            for q in brief.quotes
        ],
    )
    section(
        "Casualty claims",
        [
            f"- **{c.figure}** {c.who} {c.outcome.value}"
            + (f" in {c.location}" if c.location else "")
            + f" — according to {c.claimed_by}"
            + (f" ({c.qualifier})" if c.qualifier else "")
            for c in brief.casualty_claims
        ],
    )
    section(
        "International responses",
        [
            f"- **{r.actor}** ({r.kind.value.replace('_', ' ')}): {r.description}{_unverified(r.verified)}"
            for r in brief.international_responses
        ],
    )
    section(
        "Actors",
        [f"- {a.name} — {a.role}" + (f" ({a.affiliation})" if a.affiliation else "") for a in brief.actors],
    )
    v = brief.verification
    status = (
        "every item found in the source"
        if v.status == "verified"
        else (f"{len(v.dropped)} item(s) dropped as not borne out by the source")
    )
    meta = brief.meta
    out.append(f"---\n*Verification: {status}. Model {meta.model}, prompt {meta.prompt_version}.*")
    out.extend(f"- dropped {d.field}: “{d.label()}” — {d.reason}" for d in v.dropped)
    out.extend(f"- not in this brief, but in the article ({m.field}): “{m.text}”" for m in v.missed)
    for flag in v.flags:
        if flag.kind == "injection":
            out.append(f"- withheld from the model, as it addressed instructions to an AI: “{flag.text}”")
        else:
            out.append(f"- {flag.kind}: {flag.text}")
    return "\n".join(out).rstrip() + "\n"


def _unverified(verified: bool) -> str:
    return "" if verified else " *(evidence matched loosely)*"
