"""Send one message to one Apprise URL and say how it went; Apprise stops at this border.

Apprise is synchronous: callers run `send` in a thread. Its own log lines are captured per call,
so a failure comes back with Apprise's reason instead of only "False".
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import apprise

logger = logging.getLogger(__name__)

# Webhook schemes that take extra headers (+Name=value) and payload fields (:name=value).
_HEADER_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})
_PAYLOAD_SCHEMES = frozenset({"json", "jsons"})
MESSAGE_ID_HEADER = "X-Copydesk-Message-Id"


@dataclass(frozen=True, slots=True, kw_only=True)
class SendResult:
    ok: bool
    detail: str  # "sent", or why not


def _with_id(url: str, message_id: str, timeout: float) -> str:
    """The URL with the message id as a header (and JSON field) and the timeouts set."""
    scheme = url.partition("://")[0].lower()
    params = []
    if message_id and scheme in _HEADER_SCHEMES:
        params.append(f"+{MESSAGE_ID_HEADER}={quote(message_id, safe='')}")
    if message_id and scheme in _PAYLOAD_SCHEMES:
        params.append(f":message_id={quote(message_id, safe='')}")
    if "rto=" not in url:
        params.append(f"rto={timeout:g}")
    if "cto=" not in url:
        params.append(f"cto={min(timeout, 10.0):g}")
    joiner = "&" if "?" in url else "?"
    return url + joiner + "&".join(params) if params else url


def send(
    url: str,
    *,
    title: str,
    body: str,
    message_id: str = "",
    attachment: bytes | None = None,
    attachment_name: str = "card.png",
    timeout: float = 20.0,
) -> SendResult:
    """Deliver one plain-text message (with an optional PNG) to one Apprise URL."""
    notifier = apprise.Apprise()
    if not notifier.add(_with_id(url, message_id, timeout)):
        return SendResult(ok=False, detail="not a URL Apprise can send to")
    with tempfile.TemporaryDirectory(prefix="copydesk-card-") as folder:
        attach = None
        if attachment is not None:
            # A file, not an in-memory attachment: some plugins (form://) open it by path.
            path = Path(folder) / Path(attachment_name).name
            path.write_bytes(attachment)
            attach = apprise.AppriseAttachment()
            attach.add(str(path))
        with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
            try:
                ok = bool(
                    notifier.notify(
                        body=body,
                        title=title,
                        body_format=apprise.NotifyFormat.TEXT,
                        attach=attach,
                    )
                )
            except Exception as exc:  # a plugin bug must not take the sender down; report it
                logger.exception("apprise failed on %s", url.partition("://")[0])
                return SendResult(ok=False, detail=f"apprise error: {exc}"[:500])
            log = captured.getvalue() if hasattr(captured, "getvalue") else ""
    if ok:
        return SendResult(ok=True, detail="sent")
    return SendResult(ok=False, detail=_reason(log))


def _reason(log: str) -> str:
    lines = [line.split(" - ", 2)[-1].strip() for line in log.splitlines() if line.strip()]
    return ("; ".join(lines[-3:]) or "the target refused the message")[:500]
