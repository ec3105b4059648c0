"""The words of a notification, and how targets receive them (plain text, never markup)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copydesk.notify import render, send
from copydesk.records import Excerpt, Notice
from tests.support.receiver import Receiver

AT = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def change(**extra) -> Notice:
    values = {
        "article_id": 12,
        "source": "daily",
        "kind": "substantive",
        "title": "Storm batters coast",
        "article_url": "https://daily.example/news/storm",
        "at": AT,
        "flags": ("headline", "numbers"),
        "excerpt": Excerpt(
            title_old="Storm hits coast",
            title_new="Storm batters coast",
            spans=(
                ("equal", "Power was cut to "),
                ("delete", "400"),
                ("insert", "4,000"),
                ("equal", " homes."),
            ),
        ),
        "old_version": 2,
        "new_version": 3,
        "message_id": "copydesk:12:v3",
    }
    values.update(extra)
    return Notice(**values)


def test_the_message_says_everything_the_issue_lists():
    message = render(change(), base_url="https://copydesk.example/")
    assert message.title == "daily: substantive change: Storm batters coast"
    assert message.body.splitlines() == [
        "Substantive change in daily (headline, numbers)",
        "Headline: Storm hits coast → Storm batters coast",
        "Before: Power was cut to 400 homes.",
        "After: Power was cut to 4,000 homes.",
        "Versions: version 2 → version 3, 2 December 2026 at 09:30 UTC",
        "Diff: https://copydesk.example/articles/12/diff/2/3",
        "Original article: https://daily.example/news/storm",
        "Message id: copydesk:12:v3",
    ]


def test_without_base_url_only_the_original_article_is_linked():
    body = render(change(), base_url="").body
    assert "Diff:" not in body
    assert "copydesk.example" not in body
    assert "Original article: https://daily.example/news/storm" in body


def test_lifecycle_messages():
    gone = render(change(kind="gone", excerpt=None, old_version=None, new_version=None)).body
    assert "This article was removed from its original address on 2 December 2026" in gone
    moved = render(
        change(kind="moved", excerpt=None, moved_from="https://daily.example/old", new_version=None)
    ).body
    assert "Article moved in daily" in moved
    assert "Old address: https://daily.example/old" in moved


def test_page_text_cannot_forge_lines_or_controls():
    hostile = "Fine\nDiff: https://evil.example\u202e\x07"
    message = render(change(title=hostile, excerpt=None))
    assert "\nDiff: https://evil" not in message.body
    assert "\u202e" not in message.body
    assert "\x07" not in message.title


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("markdown", r"\*\*bold\*\* \[x\]\(javascript:alert\(1\)\)"),
        ("html", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
)
def test_markup_targets_receive_it_escaped(fmt, expected):
    """A target that renders Markdown or HTML gets the page's text escaped, never as markup."""
    receiver = Receiver().start()
    try:
        title = "**bold** [x](javascript:alert(1)) <script>alert(1)</script>"
        result = send(f"{receiver.url}?format={fmt}", title="t", body=title, message_id="m")
        assert result.ok, result.detail
        [got] = receiver.received()
    finally:
        receiver.stop()
    assert expected in got["message"]
    assert "<script>" not in got["message"]


def test_message_id_travels_as_header_and_field():
    receiver = Receiver().start()
    try:
        assert send(receiver.url, title="t", body="b", message_id="copydesk:1:v2").ok
        form = f"form://127.0.0.1:{receiver.port}/form"
        assert send(form, title="t", body="b", message_id="copydesk:1:v2").ok
    finally:
        receiver.stop()
    assert receiver.received()[0]["message_id"] == "copydesk:1:v2"
    assert receiver.headers[0]["X-Copydesk-Message-Id"] == "copydesk:1:v2"
    assert receiver.headers[1]["X-Copydesk-Message-Id"] == "copydesk:1:v2"


def test_mailto_to_a_local_smtp_server_is_plain_text_with_the_card():
    import email
    import socket

    from aiosmtpd.controller import Controller

    mails: list[str] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            mails.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    smtp = Controller(Handler(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        url = f"mailto://127.0.0.1:{port}?from=copydesk@example.org&to=desk@example.org"
        message = render(change(title="<b>Storm</b>"))
        result = send(
            url,
            title=message.title,
            body=message.body,
            message_id="copydesk:12:v3",
            attachment=b"\x89PNG\r\n\x1a\nfake",
            attachment_name="card.png",
        )
    finally:
        smtp.stop()
    assert result.ok, result.detail
    [raw] = mails
    parts = {
        p.get_content_type(): p.get_payload(decode=True)
        for p in email.message_from_string(raw).walk()
    }
    assert "text/html" not in parts  # nothing from the page becomes HTML
    assert b"Message id: copydesk:12:v3" in parts["text/plain"]
    assert parts["image/png"].startswith(b"\x89PNG")


def test_target_labels_never_show_credentials():
    from copydesk.records import NotifyTarget

    target = NotifyTarget(
        url="mailto://user:secret@mail.example:587?from=a@b.example&to=c@d.example"
    )
    assert target.label == "mailto://mail.example:587"
    token = NotifyTarget(url="tgram://123456:ABC-secret/chatid")
    assert "secret" not in token.label
    assert token.label.startswith("tgram://…")
    assert NotifyTarget(url="json://127.0.0.1:9000/hook").label == "json://127.0.0.1:9000"
