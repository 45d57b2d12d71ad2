"""A large archive's related map is made in worker processes, one per core: the map, and
the neighbours kept for the next build, are those one process makes."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

from feedsearch.related import RelatedOptions, prepare, related_map
from feedsearch.related_neighbours import neighbours_of
from feedsearch.related_processes import in_parts
from tests.test_related_update import essay


def _pid(_prepared, rows: np.ndarray) -> tuple[int, list[int]]:
    return os.getpid(), rows.tolist()


def test_parts_run_in_forked_workers_and_come_back_in_order():
    documents = [essay(random.Random(1), n) for n in range(40)]
    prepared = prepare(documents, RelatedOptions(), processes=2)
    results = in_parts(prepared, np.arange(40), _pid)
    assert len(results) > 2
    assert {pid for pid, _ in results} - {os.getpid()}, "no part ran in a worker"
    assert os.getpid() not in {pid for pid, _ in results}
    assert [row for _, rows in results for row in rows] == list(range(40))


@pytest.mark.parametrize("options", [RelatedOptions(), RelatedOptions(exact_work=0),
                                     RelatedOptions(use_tags=False, date_weight=0.2)],
                         ids=["exact", "candidates", "dates"])
def test_the_map_and_neighbours_are_the_same_in_two_processes_as_in_one(options):
    rng = random.Random(4)
    documents = [essay(rng, n) for n in range(150)]
    assert related_map(documents, options, processes=2) == \
        related_map(documents, options, processes=1)
    one, two = (prepare(documents, options, processes=count) for count in (1, 2))
    rows = np.arange(len(documents))
    assert neighbours_of(one, rows).ids.tolist() == neighbours_of(two, rows).ids.tolist()
