"""What blog pages put around an essay, as lines of text: one list for the text reader's
trailing-navigation rule and for the clean-up after main-text extraction."""

from __future__ import annotations

import re

FURNITURE_LINE = re.compile(
    r"^(next|previous|prev|newer|older|home|(next|previous|newer|older)( post| posts| article)?"
    r":?( .*)?|newer post older post( home)?|share( this( post| article)?)?:?|tweet|"
    r"like( this)?:?|(like )?loading\.{3}|related( posts)?:?|back to (top|blog)|"
    r"\d+ (comments?|likes?|responses?)|(leave|post) a (comment|reply)|comments?|reply|"
    r"subscribe( now)?|sign up.*newsletter.*|posted (in|by) .*|filed under .*|tagged:? .*|"
    r"tags?: .*|categories?: .*|share on (facebook|twitter|linkedin|pinterest|x)|"
    r"((facebook|twitter|linkedin|pinterest|email|print|reddit|tumblr|whatsapp|x)[ ,]*)+|"
    r"[←→‹›«»]\s*\S+(\s+\S+){0,7}|\S+(\s+\S+){0,7}\s*[←→‹›«»])$",
    re.I,
)
# Class or id fragments of the page furniture that platforms put inside an essay's body.
FURNITURE_CLASS = re.compile(
    r"share|sharing|sharedaddy|social|comment|respond|related|subscribe|subscription|"
    r"newsletter|pagination|post-nav|nav-links|navigation|breadcrumb|byline|author-bio|"
    r"entry-meta|entry-footer|blogitem-meta|meta-tags|widget|sidebar|advert|promo|cookie|"
    r"jp-|sd-like|likes?-?box|wpl-",
    re.I,
)
# A row of links: "← all notes | home | about".
_LINK_ROW = re.compile(r"^([←→‹›]\s?.*|.*(\s[|·•]\s.*){2,})$")


def is_furniture(line: str) -> bool:
    text = " ".join(line.split())
    return bool(FURNITURE_LINE.match(text) or _LINK_ROW.match(text))
