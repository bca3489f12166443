"""The App Home tab: the polls open in the workspace, with the member's own votes and buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import text
from bot.domain import MemberVote
from bot.results import Results

from .polls import vote_buttons
from .render import (
    MAX_MODAL_BLOCKS,
    Block,
    claim_detail,
    claim_heading,
    context,
    escape,
    plain,
    post_heading,
    section,
)


def home_view(polls: Sequence[Results], votes: Sequence[MemberVote]) -> dict[str, Any]:
    """The Home tab as `views.publish` takes it, within Slack's 100 blocks."""
    mine = {v.claim.ref: v.choice for v in votes}
    blocks: list[Block] = [
        {"type": "header", "text": plain("Open polls", 150)},
    ]
    if not polls:
        blocks.append(
            section(escape("No poll is open here right now. `/debate posts` lists the posts."))
        )
    room = MAX_MODAL_BLOCKS - 1
    for results in polls:
        head = [
            section(post_heading("Poll on", results.post)),
            context(
                escape(
                    f"{text.poll_state(results.poll, results.closed)} · "
                    f"{results.voters} voter{'s' if results.voters != 1 else ''}"
                )
            ),
        ]
        claim_blocks: list[Block] = []
        for row in results.claims:
            ref = row.claim.ref
            choice = mine.get(ref)
            yours = f"Your vote: *{choice.value}*" if choice else "You have not voted on this yet."
            claim_blocks.append(
                section(f"{claim_heading(row.claim)}\n{yours}\n{claim_detail(row)}", f"claim:{ref}")
            )
            if row.takes_votes:
                claim_blocks.append(vote_buttons(ref, chosen=choice))
            else:  # two blocks a claim, as the room below counts
                claim_blocks.append(context(escape(text.votes_closed(row.claim))))
        if len(blocks) + len(head) + len(claim_blocks) + 1 > room:
            shown = max(0, (room - len(blocks) - len(head) - 1) // 2 * 2)
            if shown <= 0:
                break
            hidden = (len(claim_blocks) - shown) // 2
            claim_blocks = claim_blocks[:shown]
            claim_blocks.append(
                context(escape(f"…and {hidden} more: `/debate claims {results.post.ref}`"))
            )
        blocks += head + claim_blocks + [{"type": "divider"}]
    return {"type": "home", "blocks": blocks[:MAX_MODAL_BLOCKS]}
