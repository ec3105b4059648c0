"""The store stage: every read and write of the database goes through Store.

Store's methods take and return records (copydesk.records); the modules behind it are split by
concern (reads, writes, queue, changes, figures, search, bulk, outbox, evidence, hosts, ...)
and are private to this package.
"""

from __future__ import annotations

from copydesk.store.facade import Store

__all__ = ["Store"]
