"""A task for the outage tests: it sleeps, so a test can kill the worker while it runs."""

import time

from django_tasks import task


@task()
def nap(seconds: float) -> float:
    """Sleep ``seconds`` seconds and return them."""
    time.sleep(seconds)
    return seconds
