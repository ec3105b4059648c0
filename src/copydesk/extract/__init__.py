"""The extract stage: page HTML in, a normalised Article out (pure, no I/O)."""

from copydesk.extract.article import EXTRACTOR_ID, extract_article, extractor_id
from copydesk.extract.fast import fingerprint, locate, refit
from copydesk.extract.normalize import normalize_text, split_paragraphs
from copydesk.records import ExtractRules

__all__ = [
    "EXTRACTOR_ID",
    "ExtractRules",
    "extract_article",
    "extractor_id",
    "fingerprint",
    "locate",
    "normalize_text",
    "refit",
    "split_paragraphs",
]
