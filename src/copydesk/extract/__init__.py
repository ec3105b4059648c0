"""The extract stage: page HTML in, a normalised Article out (pure, no I/O)."""

from copydesk.extract.article import EXTRACTOR_ID, extract_article
from copydesk.extract.normalize import normalize_text, split_paragraphs
from copydesk.records import ExtractRules

__all__ = ["EXTRACTOR_ID", "ExtractRules", "extract_article", "normalize_text", "split_paragraphs"]
