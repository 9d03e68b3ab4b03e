"""Running code under the plain C (ASCII) locale, as a user without a UTF-8 locale would."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def plain_c_locale() -> Iterator[None]:
    """LC_CTYPE set to "C" (so the locale's encoding is ASCII) inside the block only."""
    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, old)
