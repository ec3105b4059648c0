"""Tell people: messages and diff cards for notices, sent through Apprise."""

from __future__ import annotations

from copydesk.notify.cards import HEIGHT, WIDTH, alt_text, render_card
from copydesk.notify.message import Message, render
from copydesk.notify.sender import MESSAGE_ID_HEADER, SendResult, send

__all__ = [
    "HEIGHT",
    "MESSAGE_ID_HEADER",
    "WIDTH",
    "Message",
    "SendResult",
    "alt_text",
    "render",
    "render_card",
    "send",
]
