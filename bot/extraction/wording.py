"""Turn a quoted sentence into the short text members vote on.

The text must stay faithful to the post: it only ever removes words (a leading connective, the
writer's "My guess is that", a hedge or signpost such as "At last" or "The truth is that", a
parenthetical aside, a trailing clause when over the limit), never adds any, so a member voting
on it votes on what the author said. The one rewording is a hedge's own verb: "there seems to
be" reads "there is", since a member agrees or disagrees with the claim, not with the seeming.
"""

from __future__ import annotations

import re

from bot.domain import MAX_CLAIM_CHARS

# Connectives that tie a sentence to the one before it and mean nothing once it stands alone.
_LEADING_CONNECTIVE = re.compile(
    r"^(?:(?:and|but|also|so|yet|now|then|still|thus|hence|plus|or)\b,?"
    r"|(?:at the same time|in practice|in short|in other words|in any case|in the end|after all"
    r"|of course|finally|first|firstly|second|secondly|third|thirdly|fourth|lastly|moreover"
    r"|furthermore|however|indeed|instead|meanwhile|nevertheless|nonetheless|besides|again"
    r"|similarly|likewise|equally|for example|for instance|to be sure|true|sure|admittedly"
    r"|as regards \w+|on the other hand|by contrast|in contrast|that said|even so|somehow"
    r"|at last|in my (?:view|experience|opinion)|to my mind|frankly|clearly|ultimately|above all"
    r"|simply put|put simply|crucially|importantly|perhaps|arguably|in fact|in truth|in reality"
    r"|make no mistake|let me be clear|to be clear|to put it bluntly),?)\s+",
    re.IGNORECASE,
)
# Hedges and signposts that only announce the claim: "At last there seems to be a consensus"
# votes as "There is a consensus", "The truth is that X" as "X".
_ANNOUNCEMENT = re.compile(
    r"^(?:it (?:seems|appears|would seem)(?: to me)?(?: that)?"
    r"|the (?:truth|fact|point|reality|problem|answer|bottom line) is(?: that)?:?"
    r"|what (?:matters|is clear) (?:now )?is(?: that)?)\s+",
    re.IGNORECASE,
)
_SEEMS_TO_BE = re.compile(r"^there (seems|seem|appears|appear) to be\b", re.IGNORECASE)
# The writer's framing around the claim itself: "My guess is that the EU will ..." votes as
# "The EU will ...".
_STANCE_FRAME = re.compile(
    r"^(?:(?:my|our) (?:\w+ )?(?:guess|bet|view|sense|hunch|expectation|conclusion|prediction)"
    r" is(?: that)?|i (?:also )?(?:think|believe|suspect|would argue)(?: that)?"
    r"|we (?:also )?(?:think|believe|argue|conclude)(?: that)?"
    r"|(?:this|the) (?:brief|paper|report|article|essay) argues(?: that)?"
    r"|it is (?:clear|obvious|likely|true) that)\s+",
    re.IGNORECASE,
)
_LIST_MARKER = re.compile(r"^(?:[-–•*▪]|\(?\d{1,2}[.)]|\(?[a-h][.)])\s+")
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
# Where a sentence may be cut when too long: before a trailing aside or subordinate clause.
_CLAUSE_BREAK = re.compile(
    r",\s+(?:which|who|whose|where|as|since|while|although|though|after|before|under|unless"
    r"|because|including|especially|such as|and|but)\b|;\s+|:\s+|\s+[—–]\s+",
    re.IGNORECASE,
)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _plain_there_is(match: re.Match[str]) -> str:
    """ "there seems to be" as "there is", "there appear to be" as "there are"."""
    return "there is" if match.group(1).lower() in ("seems", "appears") else "there are"


def _strip_openers(text: str) -> str:
    """Drop list markers, connectives, stance frames and hedges at the start, repeatedly."""
    while True:
        trimmed = _LIST_MARKER.sub("", text, count=1)
        trimmed = _LEADING_CONNECTIVE.sub("", trimmed, count=1)
        trimmed = _STANCE_FRAME.sub("", trimmed, count=1)
        trimmed = _ANNOUNCEMENT.sub("", trimmed, count=1)
        trimmed = _SEEMS_TO_BE.sub(_plain_there_is, trimmed, count=1)
        if trimmed == text or len(trimmed.split()) < 3:
            return text
        text = trimmed


def _shorten(text: str, limit: int) -> str:
    """Cut at the last clause break that fits, or at a word, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text) if 40 <= m.start() <= limit - 1]
    if breaks:
        return text[: breaks[-1]].rstrip(" ,;:") + "."
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def votable_text(quote: str, limit: int = MAX_CLAIM_CHARS) -> str:
    """The short text of a claim: the quote without its openers and asides, within `limit`."""
    text = " ".join(quote.split())
    text = _strip_openers(text)
    without_asides = _PARENTHETICAL.sub("", text).strip()
    if len(without_asides.split()) >= 3:
        text = without_asides
    text = _capitalise(text.strip().rstrip(":;,"))
    if text and text.rstrip("\"”’')]")[-1:] not in (".", "!", "?", "…"):
        text += "."
    return _shorten(text, limit)
