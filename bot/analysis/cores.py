"""The analysis runs on one core.

Its problems are small for a machine (a few thousand points in two dimensions, matrices of tens
of megabytes), so numpy's BLAS and scikit-learn's OpenMP threads gain little; and when the other
cores are busy (the bot serving votes, another process) their threads spin waiting for each
other, which made k-means several times slower on a shared two-core machine. threadpoolctl is
what scikit-learn itself uses, and ships with it, to hold its thread pools to a size.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_controller: Any = None  # threadpoolctl's view of the loaded thread pools, found once


@contextmanager
def one_core() -> Iterator[None]:
    """BLAS and OpenMP limited to one thread for the block."""
    global _controller
    if _controller is None:
        import sklearn.cluster  # noqa: F401  (loads the OpenMP runtime the controller must see)
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    with _controller.limit(limits=1):
        yield
