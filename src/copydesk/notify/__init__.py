"""Tell the outside world about new versions: notifiers take Changes and send them."""

from __future__ import annotations

from copydesk.notify.webhook import Notifier, WebhookNotifier, change_payload

__all__ = ["Notifier", "WebhookNotifier", "change_payload"]
