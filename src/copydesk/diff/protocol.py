"""What the diff stage accepts: anything shaped like an article version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Comparable(Protocol):
    """A headline, a byline and paragraphs: Article and Version both qualify."""

    @property
    def title(self) -> str: ...

    @property
    def byline(self) -> str | None: ...

    @property
    def paragraphs(self) -> Sequence[str]: ...
