"""Progress bars that show on a terminal and stay quiet when piped or asked to."""

from __future__ import annotations

import sys
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


def progress_enabled(quiet: bool = False, stream=None) -> bool:
    """True when a progress bar should be drawn: not ``quiet`` and stderr is a TTY.

    Example:
        >>> progress_enabled(quiet=True)
        False
    """
    if quiet:
        return False
    stream = stream if stream is not None else sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def track(iterable: Iterable[T], *, desc: str, total: int | None = None, enabled: bool = False,
          unit: str = "it") -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar on stderr when ``enabled``; else pass it through.

    Example:
        >>> list(track([1, 2], desc="x"))
        [1, 2]
    """
    if not enabled:
        yield from iterable
        return
    from tqdm import tqdm

    with tqdm(iterable, desc=desc, total=total, unit=unit, file=sys.stderr, dynamic_ncols=True,
              leave=False) as bar:
        yield from bar
