"""The table of commands: which module defines each one, and its one-line help.

This is the CLI's structure in one place. `cli.app.build_app` makes the application from it;
each module named here holds its commands in a module-level `commands` Typer and registers
nothing itself. `copydesk --help` and a typo's "did you mean" read this table and import no
command module; running a command imports its module alone (with what that command needs), so
the start-up of a command costs what that command uses. tests/test_docs.py checks the table
against the commands the modules define: a new command needs a line here.
"""

from __future__ import annotations

# name -> (module in copydesk.cli, one-line help shown by `copydesk --help`); in help order
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "demo",
        "Start a simulated newsroom on 127.0.0.1, track it, and score what was captured.",
    ),
    "add": (
        "tracking",
        "Add a feed, sitemap or front page (detected from the content) or a single article.",
    ),
    "sources": ("tracking", "List sources with their endpoints and figures."),
    "remove": ("tracking", "Stop tracking a source (its recorded versions are kept)."),
    "run": ("tracking", "Run the tracker: poll endpoints and check due articles until stopped."),
    "worker": ("tracking", "One of many tracker processes sharing one PostgreSQL database."),
    "check": ("tracking", "Check one article now and say what changed."),
    "history": ("versions", "An article's versions."),
    "diff": ("versions", "A word diff of two versions, with its classification."),
    "extract": (
        "pages",
        "Extracted headline, byline, date and text of one page (or of a JSONL stream).",
    ),
    "compare": ("pages", "Whether and how the article changed between two saved pages."),
    "export": ("versions", "Data for researchers and archives."),
    "stats": ("insight", "Per-source figures, and the insight report of a period."),
    "report": ("insight", "Write the insight report as static HTML + SVG + CSV."),
    "serve": ("web", "Serve the web UI, feeds and JSON API."),
    "pause": ("web", "Stop checking an article for changes."),
    "hide": ("web", "Hide an article for legal reasons: its text and diff pages answer 410."),
    "unhide": ("web", "Show a hidden article again (active, or retired if long quiet)."),
    "import": (
        "evidence",
        "Backfill the record from WARC/ARC files or the Wayback Machine (idempotent).",
    ),
    "verify": (
        "evidence",
        "Re-hash every stored capture (and the WARC files when [archive] warc_dir is set).",
    ),
    "notify": ("notifying", "Notifications: [[notify]] rules in copydesk.toml."),
}
