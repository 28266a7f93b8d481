"""dedup: near-duplicate and related-article detection for Arabic news.

Example:
    >>> from dedup import Deduplicator, Record
    >>> text = "افتتح أمير المنطقة اليوم معرض الكتاب الدولي بحضور عدد كبير من الزوار والناشرين"
    >>> d = Deduplicator().fit([Record(id="a", text=text), Record(id="b", text=text)])
    >>> [(m.index, m.relation) for m in d.clusters_[0].members]
    [(1, 'exact')]
"""

__version__ = "0.1.0"

from .normalize import NormalizeConfig, normalize, tokens  # noqa: E402
from .record import Record  # noqa: E402
from .io import InputError, ReadResult, read_inputs  # noqa: E402
from .segment import SegmentConfig, segment_page  # noqa: E402
from .engine import ClusterConfig, DedupConfig, Deduplicator  # noqa: E402
from .related import RelatedConfig, RelatedFinder, related_sections  # noqa: E402
from .report import build_report, report_text, write_canonical  # noqa: E402

__all__ = [
    "__version__",
    "NormalizeConfig",
    "normalize",
    "tokens",
    "Record",
    "InputError",
    "ReadResult",
    "read_inputs",
    "SegmentConfig",
    "segment_page",
    "ClusterConfig",
    "DedupConfig",
    "Deduplicator",
    "RelatedConfig",
    "RelatedFinder",
    "related_sections",
    "build_report",
    "report_text",
    "write_canonical",
]
