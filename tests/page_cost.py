"""What a page costs to build: the queries it runs and the model instances it makes (counted with a
post_init receiver), so a test can show both stay the same as rows grow."""

from collections import Counter
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext


@contextmanager
def instances_built():
    """The model instances a block builds, by model."""
    built: Counter[str] = Counter()

    def count(sender, **kwargs):
        built[sender.__name__] += 1

    post_init.connect(count, weak=False)
    try:
        yield built
    finally:
        post_init.disconnect(count)


def page_cost(client, url: str) -> tuple[int, Counter, str]:
    """(queries, instances by model, the page's HTML) of one GET, which must answer 200, worked out
    afresh: the cache is emptied first, so a page that keeps its figures (common/fresh.py) is
    measured doing its work, not serving what it kept."""
    cache.clear()
    with instances_built() as built, CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), built, response.content.decode()
