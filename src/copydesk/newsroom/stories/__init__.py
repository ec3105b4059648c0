"""The story kinds the newsroom writes from, grouped by desk."""

from __future__ import annotations

from copydesk.newsroom.stories.features import FEATURE_KINDS
from copydesk.newsroom.stories.home import HOME_KINDS
from copydesk.newsroom.stories.kind import StoryKind

__all__ = ["FEATURE_KINDS", "HOME_KINDS", "StoryKind"]
