"""Recognise the parts of a web page that are not the author's argument.

Article text pasted or fetched from the web carries a title, bylines, dates, share buttons, tags,
"read more" links, author bios and reader comments. None of them is a claim anyone should vote on,
and most are easy to spot line by line, so extraction drops whole lines before scoring sentences.
"""

from __future__ import annotations

import re

from bot.extraction.sentences import Line, word_count

# Headings, bylines and link lines are short; a longer line is prose even without a full stop.
MAX_HEADING_WORDS = 25
# Furniture lines are short; a long one is a paragraph that happens to mention "12 comments".
MAX_FURNITURE_WORDS = 40

_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_BULLET = re.compile(r"^\s*(?:[-–•*▪]|\d{1,2}[.)])\s+")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_WORDS = re.compile(
    rf"\b(?:{_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|updated|published"
    r"|posted|last|modified|on|at|am|pm|gmt|utc|bst|cet|est|edt|pst|\d{1,4}(?:st|nd|rd|th)?)\b",
    re.IGNORECASE,
)

# A line starting like this is page furniture whatever follows. Words that also open prose ("By
# 2030, ...", "Related to this, ...") count only as a label before a colon; bylines without one
# ("By Helen Marsh, Diplomatic Correspondent") end without a full stop and go as headings.
_FURNITURE_START = re.compile(
    r"^(?:posted by|written by|words by|(?:additional )?reporting by|edited by|editing by"
    r"|filed under|posted in|share this|editor'?s note|thanks? (?:you )?for reading"
    r"|share on|email this|read more|read next|see also|also read|further reading"
    r"|you may also like|subscribe to|sign up|follow us|click here|leave a (?:comment|reply)"
    r"|(?:by|authors?|photo|image|picture|caption|credit|illustration|source|tags?|topics?"
    r"|categor(?:y|ies)|published|updated|last updated|related|download|listen|watch|more)\s*:)",
    re.IGNORECASE,
)

# Anywhere in a line: marks of a byline, a comment thread, a share bar or a footer.
_FURNITURE_ANYWHERE = re.compile(
    r"\b\d+\s+(?:comments?|replies|responses|shares|likes|views)\b|\bleave a (?:comment|reply)\b"
    r"|\b\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b|©|\(c\)\s*\d{4}"
    r"|\ball rights reserved\b|\bmin(?:ute)? read\b|\bnewsletter\b|\bcheck against delivery\b"
    # A government site's banner: "A lock ( lock ) or https:// means you've safely connected".
    r"|\bsafely connected to\b|\ban official website of\b|\bhere[’']?s how you know\b",
    re.IGNORECASE,
)

_SOCIAL = re.compile(
    r"\b(?:facebook|twitter|x|linkedin|whatsapp|reddit|email|telegram|bluesky|threads|pinterest)\b",
    re.IGNORECASE,
)

# A heading after which the rest of the page is no longer the article.
_TRAILER = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|discussion|join the discussion"
    r"|leave a (?:comment|reply)|about the authors?|about the writer|related(?: \w+)?"
    r"|more (?:from|on) .*|recommended(?: \w+)?|you may also like|share this(?: \w+)?)\s*:?$",
    re.IGNORECASE,
)

# Sentences inside a paragraph that are still furniture: disclaimers, calls to action, credits,
# thanks and housekeeping.
_FURNITURE_SENTENCE = re.compile(
    r"^(?:read more|click here|share this|subscribe|sign up|follow (?:us|me)|this (?:article|post"
    r"|story) (?:was|first) (?:originally )?(?:published|appeared)|(?:additional )?reporting by"
    r"|editing by|thanks? (?:you )?(?:so much )?for reading"
    r"|(?:(?:a bit of|some|quick) )?housekeeping|that'?s all for (?:this|today|now)"
    r"|(?:as always, )?(?:just )?hit reply)\b"
    r"|\breply to this (?:email|letter|newsletter)\b"
    r"|\bcontributed (?:reporting|to this (?:report|article|story))\b"
    # A wire story's note on who would not talk, and a Q&A's introduction of its guest.
    r"|\b(?:did not|didn't) (?:immediately )?(?:respond|reply) to (?:a |an |our )?(?:request|email"
    r"|message|questions?)s? for comment\b|\b(?:declined|could not be reached) (?:to comment|for"
    r" comment)\b|^we (?:asked|spoke to|talked to|put \w+ questions to) .*\b(?:fellow|professor"
    r"|expert|analyst|researcher|director|editor|correspondent|scholar|economist)\b"
    r"|\b(?:views|opinions) (?:expressed )?(?:here |in this \w+ )?(?:are|is|reflects?|do not)\b"
    r"|\bnot necessarily (?:reflect|those)\b|\btakes? no (?:institutional )?positions?\b",
    re.IGNORECASE,
)


# "Daniel Okafor is a senior fellow at ...": the author's bio, a name then a post.
_BIO = re.compile(
    r"^(?:[A-Z][\w'’.-]+ ){1,3}(?:is|was|serves as) (?:a|an|the) (?:[\w-]+ ){0,4}"
    r"(?:fellow|professor|director|editor|correspondent|reporter|analyst|researcher|journalist"
    r"|author|writer|lecturer|scholar|columnist|contributor|chair|head)\b"
    r"(?:[\w\s,'’.-]*\b(?:at|of|for)\b)"
    # "Dave Kowalchuk is a retired RCAF logistics officer who writes about defence policy."
    r"|^(?:[A-Z][\w'’.-]+ ){1,3}(?:is|was) (?:a|an) (?:[\w-]+ ){1,6}who (?:writes|blogs|reports)"
    r" (?:about|on)\b"
)


def ends_like_prose(text: str) -> bool:
    """Whether a line ends as a sentence does; headings, bylines and link lists do not."""
    return bool(_TERMINAL.search(text))


# A word, a stop and a capital: one sentence ends and another starts ("Mr. Smith" and "U.S.
# Policy" do not look like that). A line holding one is a paragraph, not a heading, even when its
# last sentence was cut off mid-word, as the excerpts members paste often are.
_SENTENCE_BREAK = re.compile(r"[a-z]{3,}[.!?…][\"'”’)]*\s+[\"“‘(]?[A-Z]")


def holds_sentences(text: str) -> bool:
    return bool(_SENTENCE_BREAK.search(text))


def is_cut_off(line: Line) -> bool:
    """Whether a paragraph stops mid-sentence: it ends with no stop, and is neither a list item
    nor a heading (a line of one sentence that ends without a stop)."""
    return (
        not ends_like_prose(line.text)
        and not is_bullet(line.text)
        and (holds_sentences(line.text) or word_count(line.text) > MAX_HEADING_WORDS)
    )


def is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


def _is_date_alone(text: str) -> bool:
    rest = _DATE_WORDS.sub(" ", text)
    return word_count(rest) <= 1


def _is_separated_fragments(text: str) -> bool:
    """Lines like `Like · Reply · Share` or `Policy Brief No. 27 | Centre for ...`."""
    parts = re.split(r"\s+[|·•]\s+", text)
    return len(parts) > 1 and all(word_count(part) <= 8 for part in parts)


def is_title(line: Line, lines: list[Line]) -> bool:
    """The first line of a multi-line post is its title when it is short, as titles are."""
    if line.index != 0 or len(lines) < 2:
        return False
    words = word_count(line.text)
    return words <= 12 or (words <= 25 and not ends_like_prose(line.text))


def furniture_reason(line: Line, lines: list[Line]) -> str | None:
    """Why a line is page furniture rather than the author's prose, or None if it is prose."""
    if is_title(line, lines):
        return "title"
    return _marked_furniture(line.text) or ("heading" if is_heading(line.text) else None)


def is_heading(text: str) -> bool:
    """A short line of one sentence with no stop: a heading, a byline or a label."""
    return (
        not ends_like_prose(text)
        and not is_bullet(text)
        and not holds_sentences(text)
        and word_count(text) <= MAX_HEADING_WORDS
    )


def _marked_furniture(text: str) -> str | None:
    """Why a line is furniture by what it says (a byline, a date, share links), or None."""
    if word_count(text) > MAX_FURNITURE_WORDS:
        return None
    if _FURNITURE_START.match(text):
        return "page furniture"
    if _FURNITURE_ANYWHERE.search(text):
        return "byline, comment or footer"
    if _is_date_alone(text):
        return "date"
    if _is_separated_fragments(text):
        return "link or meta bar"
    if len(_SOCIAL.findall(text)) >= 2 and word_count(text) <= 12:
        return "share links"
    return None


def _before_trailer(lines: list[Line]) -> list[Line]:
    """The lines before a trailer heading ("14 Comments", "About the authors", "Related") once
    most of the post's words are behind it, since what follows is readers' comments, bios or
    other articles."""
    total = sum(word_count(line.text) for line in lines)
    seen = 0
    for position, line in enumerate(lines):
        if _TRAILER.match(line.text) and seen >= total / 2:
            return lines[:position]
        seen += word_count(line.text)
    return lines


def article_lines(lines: list[Line]) -> list[Line]:
    """The lines that may hold the author's argument, in order: no furniture, no trailer."""
    return [line for line in _before_trailer(lines) if furniture_reason(line, lines) is None]


# A title or heading this long may state the post's thesis ("Solidarity under attack", "The
# mobilization for Yemen is a powerful model for today's peace movement"); shorter ones name a
# topic ("Key points"). The scorer, which knows a heading when it sees one, judges the rest.
MIN_THESIS_HEADING_WORDS = 3


def heading_lines(lines: list[Line]) -> list[Line]:
    """Titles and headings long enough to argue, in order. Labellers count a title that argues
    as a claim, so these are candidates too, scored like any sentence (knowing they are
    headings); bylines, dates and link bars never are."""
    return [
        line
        for line in _before_trailer(lines)
        if (is_title(line, lines) or is_heading(line.text))
        and word_count(line.text) >= MIN_THESIS_HEADING_WORDS
        and _marked_furniture(line.text) is None
        and not is_furniture_sentence(line.text)
    ]


def is_furniture_sentence(text: str) -> bool:
    return bool(_FURNITURE_SENTENCE.search(text) or _BIO.match(text))
