"""The related map as a rebuild holds it: the lists it made, and the stored lists of every
other essay, each decoded from the store's JSON only when something looks at it. At
100,000 essays a change makes a few hundred lists; decoding the rest (a million entries)
took more than a second, and related.json and the store need only their JSON, as stored."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from . import store


class StoredLists(Mapping):
    """The store's lists by slug, from their JSON (``texts``, UTF-8, in slug order)."""

    def __init__(self, texts: dict[str, bytes]) -> None:
        self.texts = texts
        self._decoded: dict[str, list[dict]] = {}

    def __getitem__(self, slug: str) -> list[dict]:
        found = self._decoded.get(slug)
        if found is None:
            found = self._decoded[slug] = store.loads(self.texts[slug])
        return found

    def __contains__(self, slug: object) -> bool:
        return slug in self.texts

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)



class UpdatedLists(Mapping):
    """A rebuild's map: for each slug of ``order``, the list in ``made``, or else the
    stored one, left as it was (``stored``)."""

    def __init__(self, order: list[str], made: dict[str, list[dict]],
                 stored: Mapping[str, list[dict]]) -> None:
        self.order, self.made, self.stored = order, made, stored
        self._slugs = set(order)

    def __getitem__(self, slug: str) -> list[dict]:
        if slug in self.made:
            return self.made[slug]
        if slug not in self._slugs:
            raise KeyError(slug)
        return self.stored[slug]

    def __contains__(self, slug: object) -> bool:
        return slug in self._slugs

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


def load_lists(index_dir) -> StoredLists:
    """The stored map, its lists decoded as they are looked at."""
    from .store_related import related_texts

    return StoredLists(related_texts(index_dir))


def unchanged_texts(related: Mapping[str, list[dict]],
                    stored: Mapping[str, list[dict]] | None) -> dict[str, bytes]:
    """The JSON of each list of ``related`` that is ``stored``'s own, as stored (written
    out as it is, a list need not be encoded again)."""
    if not isinstance(stored, StoredLists) or not (
            related is stored or isinstance(related, UpdatedLists) and related.stored is stored):
        return {}
    kept = dict(stored.texts)
    for slug in related.made if isinstance(related, UpdatedLists) else ():
        kept.pop(slug, None)
    # An older store escaped what is not ASCII: those lists are encoded again.
    if any(b"\\u" in text for text in kept.values()):
        kept = {slug: text for slug, text in kept.items() if b"\\u" not in text}
    return kept


def changed_lists(related: Mapping[str, list[dict]],
                  previous: Mapping[str, list[dict]]) -> Iterator[tuple[str, list[dict]]]:
    """The lists of ``related`` that ``previous`` does not hold as they are."""
    if isinstance(related, UpdatedLists) and related.stored is previous:
        candidates = related.made.items()
    else:
        candidates = related.items()
    return ((slug, items) for slug, items in candidates if previous.get(slug) != items)
