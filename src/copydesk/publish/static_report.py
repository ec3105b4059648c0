"""`copydesk report --out DIR`: the report pages as static files, for publishing without a server.

DIR/index.html is the cross-source report and DIR/sources/<name>/index.html each source's;
beside each page, every chart as <chart>.svg and its data as <chart>.csv, plus report.json.
The pages are the web report's template and tables, so the numbers are the same.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from copydesk.errors import UsageError
from copydesk.publish import insight
from copydesk.publish.report import page_context
from copydesk.publish.site import STATIC, template_environment
from copydesk.records import Report
from copydesk.store import Store


def write_report(store: Store, out: Path, *, since: datetime, until: datetime) -> list[Path]:
    """Write the report of every source and of all sources into `out`; the files written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC / "site.css", out / "site.css")
        written = [out / "site.css"]
        overall = store.report(source=None, since=since, until=until)
        written += _write_one(overall, out, css="site.css", links=_source_links(overall))
        for line in overall.sources:
            folder = out / "sources" / quote(line.name, safe="")
            folder.mkdir(parents=True, exist_ok=True)
            found = store.report(source=line.name, since=since, until=until)
            written += _write_one(found, folder, css="../../site.css", links=[])
    except OSError as exc:
        raise UsageError(f"cannot write the report to {out}: {exc}") from exc
    return written


def _source_links(report: Report) -> list[tuple[str, str]]:
    return [(s.name, f"sources/{quote(quote(s.name, safe=''))}/index.html") for s in report.sources]


def _write_one(
    report: Report, folder: Path, *, css: str, links: list[tuple[str, str]]
) -> list[Path]:
    env = template_environment()
    context = page_context(report, query="", static=True)
    html = env.get_template("report.html").render(
        layout="static_base.html", css=css, source_links=links, **context
    )
    written = [folder / "index.html"]
    written[0].write_text(html, encoding="utf-8")
    for name, table in insight.tables(report).items():
        picture = insight.svg(table, report)
        if picture is not None:
            path = folder / f"{name}.svg"
            path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + picture, encoding="utf-8")
            written.append(path)
        path = folder / f"{name}.csv"
        path.write_text(insight.to_csv(table), encoding="utf-8", newline="")
        written.append(path)
    path = folder / "report.json"
    path.write_text(json.dumps(insight.to_json(report), ensure_ascii=False, indent=1), "utf-8")
    written.append(path)
    return written
