"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), which feedgen does not write."""

from __future__ import annotations

import json

from .feedplan import FeedSpec
from .model import Document
from .sanitize import clean_text, feed_html, feed_title
from .settings import FeedSite

VERSION = "https://jsonfeed.org/version/1.1"


def json_feed_bytes(site: FeedSite, spec: FeedSpec) -> bytes:
    feed = {
        "version": VERSION,
        "title": clean_text(spec.title),
        "home_page_url": site.base_url,
        "feed_url": spec.url(site, "feed.json"),
        "description": clean_text(site.description or spec.title),
    }
    if site.page:  # for people who open the feed in a browser: JSON Feed has no link field
        feed["user_comment"] = (f"This is a feed, for a feed reader. {site.page} lists every "
                                "feed of this site, with the addresses to copy into one.")
    feed.update({
        "language": site.language,
        "authors": [{"name": clean_text(site.author)}] if site.author else [],
        "items": [_item(d, site.full_content) for d in spec.entries],
    })
    if site.hub:
        feed["hubs"] = [{"type": "WebSub", "url": site.hub}]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _item(document: Document, full_content: bool) -> dict:
    item = {
        "id": clean_text(document.feed_id()) or document.url,  # JSON Feed: any string
        "url": document.url,
        "title": feed_title(document),
        "summary": clean_text(document.summary),
        "date_published": document.date.isoformat() if document.date else None,
        "date_modified": (document.updated or document.date).isoformat()
        if document.date else None,
        "authors": [{"name": clean_text(author)} for author in document.authors],
        "tags": [clean_text(tag) for tag in document.tags],
    }
    if full_content:
        item["content_html"] = feed_html(document.html, document.url or "")
    else:  # every item needs content_html or content_text
        item["content_text"] = clean_text(document.summary)
    return {key: value for key, value in item.items() if value not in (None, [], "")}
