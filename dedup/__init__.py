"""dedup: near-duplicate and related-article detection for Arabic news."""

__version__ = "0.1.0"

from .normalize import NormalizeConfig, normalize, tokens  # noqa: E402
from .record import Record  # noqa: E402

__all__ = ["__version__", "NormalizeConfig", "normalize", "tokens", "Record"]
