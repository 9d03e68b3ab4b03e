"""One module per input format, one entry point for all: ``load_trial``.

Each format module turns its input into the plain model (``kg.model.Trial``/``Article``);
nothing outside this package knows the formats.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import TrialParseError
from kg.model import Trial


def sniff_trial_format(path: Path, head: bytes) -> str:
    """'ctgov-json' for a JSON document, else 'trial-page' (the plain-text page)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.lower() == ".json" or stripped.startswith((b"{", b"[")):
        return "ctgov-json"
    return "trial-page"


def load_trial_file(path: str | Path, allow_partial: bool = False) -> Trial:
    """Parse a trial file of either format, then resolve its drugs and regimens.
    ``allow_partial``: a trial page that ends early is imported with what it has."""
    from kg.extract.regimen import complete_trial

    p = Path(path)
    try:
        with p.open("rb") as handle:
            head = handle.read(512)
    except IsADirectoryError:
        raise TrialParseError("is a directory, not a trial file", where=str(p)) from None
    except OSError as exc:
        raise TrialParseError(f"cannot read: {exc.strerror or exc}", where=str(p)) from None
    if sniff_trial_format(p, head) == "ctgov-json":
        from kg.sources import ctgov

        trial = ctgov.parse_file(p)
    else:
        from kg.sources import trial_page

        trial = trial_page.parse_file(p, allow_partial=allow_partial)
    return complete_trial(trial)
