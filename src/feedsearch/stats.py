"""Figures about a built archive: essays per year and per tag, index size, last build."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from . import store


def archive_stats(index_dir: Path) -> dict:
    years: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    total = 0
    for document in store.iter_documents(index_dir):
        total += 1
        years[str(document.date.year) if document.date else "undated"] += 1
        tags.update(tag.lower() for tag in document.tags)
    meta = store.get_meta(index_dir)
    size = sum(p.stat().st_size for p in Path(index_dir).rglob("*") if p.is_file())
    return {
        "essays": total,
        "per_year": dict(sorted(years.items())),
        "per_tag": dict(sorted(tags.items(), key=lambda item: (-item[1], item[0]))),
        "index_bytes": size,
        "last_build": meta.get("built_at"),
        "base_url": meta.get("base_url"),
    }
