"""A synthetic newsroom history for benchmarks/web.py, written through Store.load_checks.

Sources of unequal size; articles first seen at random moments over the span, in id order;
versions per article skewed (most have a few, a handful of live pages have hundreds); edits
come soon after publication and slow down; each version is the previous one edited (a word,
a figure, a sentence, a paragraph added or removed, sometimes the headline), classified and
flagged like the diff stage would. Words follow a Zipf law over a made-up vocabulary, so a
search for a common word matches most versions and one for a rare word a handful. Checks are
produced in time order, as a tracker would have written them.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from copydesk.records import Article, Candidate, Check, CheckOutcome, CheckResult, Source
from copydesk.store import Store, rollups

START = datetime(2025, 1, 1, tzinfo=UTC)
# (name, share of articles): one large source down to one very small one.
SOURCES = (
    ("daily", 0.30),
    ("herald", 0.22),
    ("courier", 0.16),
    ("gazette", 0.12),
    ("weekly", 0.09),
    ("tribune", 0.06),
    ("chronicle", 0.04),
    ("bulletin", 0.01),
)
SYLLABLES = [
    pair
    for line in (
        "ba be bi bo da de di do fa fe ka ke ki ko la le li lo ma me mi mo na ne",
        "ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo za ze",
    )
    for pair in line.split()
]
VOCABULARY = 20_000
ARTICLE_ROUND = 500  # articles created per add_articles call


def vocabulary(seed: int = 1) -> list[str]:
    """Distinct made-up words, most frequent first (a Zipf rank order)."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        words["".join(rng.choices(SYLLABLES, k=rng.choice((1, 2, 2, 3, 3, 3, 4))))] = None
    return list(words)


WORDS = vocabulary()


@dataclass
class Text:
    """Sentence and paragraph builder over the Zipf vocabulary."""

    rng: random.Random
    paragraphs: tuple[int, int]  # paragraphs per article, low and high
    cum: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        total = 0.0
        for rank in range(1, len(WORDS) + 1):
            total += 1 / rank**1.05
            self.cum.append(total)

    def words(self, count: int) -> list[str]:
        return self.rng.choices(WORDS, cum_weights=self.cum, k=count)

    def sentence(self) -> str:
        words = self.words(self.rng.randint(10, 26))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), str(self.rng.randint(2, 9999)))
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.choice((1, 2, 2, 3))))

    def title(self) -> str:
        return " ".join(self.words(self.rng.randint(6, 11))).capitalize()

    def body(self) -> list[str]:
        return [self.paragraph() for _ in range(self.rng.randint(*self.paragraphs))]


@dataclass
class Story:
    """One article while its versions are being written."""

    article_id: int
    times: list[datetime]
    title: str
    paragraphs: list[str]
    made: int = 0


def version_counts(rng: random.Random, articles: int, versions: int) -> list[int]:
    """Versions per article: at least one, skewed (lognormal), capped, summing to `versions`."""
    raw = [rng.lognormvariate(0, 1.3) for _ in range(articles)]
    scale = (versions - articles) / sum(raw)
    counts = [1 + min(500, int(r * scale)) for r in raw]
    missing = versions - sum(counts)
    while missing:
        index = rng.randrange(articles)
        if missing > 0 and counts[index] < 500:
            counts[index] += 1
            missing -= 1
        elif missing < 0 and counts[index] > 1:
            counts[index] -= 1
            missing += 1
    return counts


def version_times(rng: random.Random, first: datetime, count: int) -> list[datetime]:
    """The first capture minutes after discovery; edits slow down as the story ages."""
    at = first + timedelta(minutes=rng.uniform(0.5, 5))
    times = [at]
    for n in range(1, count):
        mean = min(12 * 60, 15 * 1.6 ** min(n, 12))  # minutes
        at += timedelta(minutes=rng.expovariate(1 / mean) + 2)
        times.append(at)
    return times


def _edit(rng: random.Random, text: Text, story: Story) -> tuple[str, tuple[str, ...], bool]:
    """Edit the story in place; returns (kind, flags, trivial)."""
    paragraphs = story.paragraphs
    where = rng.randrange(len(paragraphs))
    flags: list[str] = []
    roll = rng.random()
    if roll < 0.05:  # whitespace or punctuation touch-up: trivial, hidden by default
        paragraphs[where] = paragraphs[where].replace(".", " .", 1)
        return "trivial", (), True
    if roll < 0.35:
        words = paragraphs[where].split()
        words[rng.randrange(len(words))] = text.words(1)[0]
        paragraphs[where] = " ".join(words)
        kind = "minor"
    elif roll < 0.50:
        paragraphs[where] = paragraphs[where] + " " + str(rng.randint(2, 9999))
        kind, flags = "substantive", ["numbers"]
    elif roll < 0.75:
        paragraphs.insert(where, text.paragraph())
        kind, flags = "substantive", ["paragraphs-added"]
    elif roll < 0.85 and len(paragraphs) > 3:
        del paragraphs[where]
        kind, flags = "substantive", ["paragraphs-removed"]
    else:
        paragraphs[where] = text.paragraph()
        kind = "substantive"
    if rng.random() < 0.25:
        story.title = text.title()
        flags.append("headline")
    if kind == "substantive":
        if rng.random() < 0.08:
            paragraphs.append("Correction: an earlier version of this article was wrong.")
            flags.append("correction-note")
        else:
            flags.append("stealth")
    return kind, tuple(flags), False


def _check(story: Story, kind: str | None, flags: tuple[str, ...], trivial: bool) -> CheckResult:
    at = story.times[story.made]
    nxt = story.times[story.made + 1] if story.made + 1 < len(story.times) else None
    return CheckResult(
        check=Check(
            article_id=story.article_id,
            checked_at=at,
            outcome=CheckOutcome.NEW_VERSION,
            status=200,
            elapsed=0.2,
        ),
        article=Article(
            title=story.title,
            byline="By A Reporter",
            published_at=story.times[0].date().isoformat(),
            paragraphs=tuple(story.paragraphs),
            extractor="bench 1",
        ),
        trivial=trivial,
        change_kind=kind,
        change_flags=flags,
        next_check_at=(nxt or at + timedelta(days=1)),
    )


@dataclass
class Plan:
    """What fill() makes: sizes, span, seed and text length."""

    articles: int
    versions: int
    days: int = 60
    seed: int = 7
    paragraphs: tuple[int, int] = (6, 12)


def _checks(store: Store, plan: Plan) -> Iterator[CheckResult]:
    """Create articles round by round and yield every version's check in time order."""
    rng = random.Random(plan.seed)
    text = Text(random.Random(plan.seed + 1), plan.paragraphs)
    span = timedelta(days=plan.days).total_seconds()
    firsts = sorted(START + timedelta(seconds=rng.uniform(0, span)) for _ in range(plan.articles))
    counts = version_counts(rng, plan.articles, plan.versions)
    names = [name for name, _ in SOURCES]
    weights = [share for _, share in SOURCES]
    pending: list[tuple[datetime, int, Story]] = []
    stories = 0
    for start in range(0, plan.articles, ARTICLE_ROUND):
        moments = firsts[start : start + ARTICLE_ROUND]
        for story in _new_stories(store, rng, text, names, weights, moments, counts, start):
            heapq.heappush(pending, (story.times[0], stories, story))
            stories += 1
        horizon = firsts[start + ARTICLE_ROUND] if start + ARTICLE_ROUND < plan.articles else None
        while pending and (horizon is None or pending[0][0] < horizon):
            _, order, story = heapq.heappop(pending)
            kind, flags, trivial = (None, (), False) if not story.made else _edit(rng, text, story)
            yield _check(story, kind, flags, trivial)
            story.made += 1
            if story.made < len(story.times):
                heapq.heappush(pending, (story.times[story.made], order, story))


def _new_stories(
    store: Store,
    rng: random.Random,
    text: Text,
    names: list[str],
    weights: list[float],
    moments: list[datetime],
    counts: list[int],
    offset: int,
) -> list[Story]:
    picked = rng.choices(names, weights=weights, k=len(moments))
    stories = []
    for name in names:
        mine = [n for n, source in enumerate(picked) if source == name]
        if not mine:
            continue
        urls = [Candidate(url=f"https://{name}.example/news/{offset + n}") for n in mine]
        added = store.add_articles(name, urls, now=moments[mine[0]])
        for n, tracked in zip(mine, added, strict=True):
            times = version_times(rng, max(moments[n], moments[mine[0]]), counts[offset + n])
            stories.append(Story(tracked.id, times, text.title(), text.body()))
    return stories


@dataclass
class Filled:
    seconds: float  # all of it (wall clock)
    making: float  # of which building the synthetic history (articles included)
    cpu: float  # CPU seconds of this process, all of it (SQLite works in-process)
    making_cpu: float = 0.0  # of which building the synthetic history

    @property
    def loading(self) -> float:
        """Seconds spent in Store.load_checks itself."""
        return self.seconds - self.making


def fill(store: Store, plan: Plan, *, progress: bool = True) -> Filled:
    """Write the plan's history, timing the loader apart from the making of the data."""
    started, cpu = time.perf_counter(), time.process_time()
    for name, _ in SOURCES:
        store.add_source(Source(name=name), now=START)
    done, making, making_cpu = 0, 0.0, 0.0
    report = max(100_000, plan.versions // 20)

    def timed() -> Iterator[CheckResult]:
        nonlocal done, making, making_cpu
        checks = _checks(store, plan)
        while True:
            began, began_cpu = time.perf_counter(), time.process_time()
            check = next(checks, None)
            making += time.perf_counter() - began
            making_cpu += time.process_time() - began_cpu
            if check is None:
                return
            done += 1
            if progress and done % report == 0:
                took = time.perf_counter() - started
                print(
                    f"  {done:>10,} versions  {took:6.0f} s  {done / took:8,.0f}/s"
                    f"  (loader {done / (took - making):8,.0f}/s)",
                    flush=True,
                )
            yield check

    store.load_checks(timed())
    return Filled(
        seconds=time.perf_counter() - started,
        making=making,
        cpu=time.process_time() - cpu,
        making_cpu=making_cpu,
    )


# Tables a copy of the history repeats, with the columns that hold ids of repeated rows.
_REPEATED = (
    ("articles", "id", {"id": "articles"}),
    ("versions", "id", {"id": "versions", "article_id": "articles"}),
    ("checks", "id", {"id": "checks", "article_id": "articles", "version_id": "versions"}),
    ("version_search", "version_id", {"version_id": "versions"}),
)


def repeat(
    url: str, copies: int, days: int, *, search: bool = True, progress: bool = True
) -> float:
    """The loaded history `copies` more times over, in SQL; returns seconds taken.

    For sizes the loader cannot reach in the time at hand on a shared machine: each copy is
    the same stories under new article, version and check ids, its times `days` later than the
    one before (so the span grows and change lists stay in time order), its URLs made unique.
    Text blobs are shared (same bytes, same hash).

    PostgreSQL: each copy's keys come after the last one's in every index but two (content
    hashes, search words): those are dropped first and built once at the end. Foreign-key and
    counting triggers are off while copying (session_replication_role); the per-source figures
    are recounted in one statement each. With search=False the copies stay out of the search
    index (its GIN build is what takes hours on a shared machine): search then covers the
    first history only. SQLite: the counting triggers stay on; the contentless FTS5 index
    cannot be copied, so the copies are indexed from their blobs by the search index's own
    sync (benchmarks/web.py runs it before measuring unless --no-sync).
    """
    started = time.perf_counter()
    engine = sa.create_engine(url)
    postgresql = engine.dialect.name == "postgresql"
    search = search and postgresql
    try:
        with engine.begin() as conn:
            tops = {
                table: int(conn.execute(sa.text(f"SELECT max({key}) FROM {table}")).scalar() or 0)
                for table, key, _ in _REPEATED
                if table != "version_search"
            }
            columns = {table: _columns(conn, table) for table, _, _ in _REPEATED}
            indexes = _drop_indexes(conn, search) if postgresql else []
        for k in range(1, copies + 1):
            with engine.begin() as conn:
                if postgresql:
                    conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                    conn.execute(sa.text("SET LOCAL copydesk.counting = 'off'"))
                for table, key, ids in _REPEATED:
                    if table == "version_search" and not search:
                        continue
                    names, values = [], []
                    for name, kind in columns[table]:
                        names.append(name)
                        if name in ids:
                            values.append(f"{name} + {k * tops[ids[name]]}")
                        elif kind.lower().startswith(("timestamp", "datetime")):
                            values.append(_later(name, k * days, postgresql=postgresql))
                        elif table == "articles" and name == "url":
                            values.append(f"url || '?copy={k}'")
                        else:
                            values.append(name)
                    top = tops["versions" if table == "version_search" else table]
                    conn.execute(
                        sa.text(
                            f"INSERT INTO {table} ({', '.join(names)}) "
                            f"SELECT {', '.join(values)} FROM {table} WHERE {key} <= {top}"
                        )
                    )
            if progress:
                took = time.perf_counter() - started
                print(f"  copy {k}/{copies}: {took:6.0f} s", flush=True)
        if postgresql:
            with engine.begin() as conn:
                _rebuild(conn, indexes, progress=progress)
        with engine.begin() as conn:  # the report's rollups, counted again over every copy
            rollups.rebuild(conn)
    finally:
        engine.dispose()
    return time.perf_counter() - started


def _columns(conn: sa.Connection, table: str) -> list[tuple[str, str]]:
    """(name, declared type) of each column, in order."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(sa.text(f"SELECT name, type FROM pragma_table_info('{table}')"))
    else:
        rows = conn.execute(
            sa.text(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = :t "
                "ORDER BY ordinal_position"
            ),
            {"t": table},
        )
    return [(str(name), str(kind)) for name, kind in rows]


def _later(column: str, days: int, *, postgresql: bool) -> str:
    """`column` moved `days` later; SQLite's UTC text keeps its microseconds."""
    if postgresql:
        return f"{column} + interval '{days} days'"
    return f"datetime({column}, '+{days} days') || substr({column}, 20)"


def _drop_indexes(conn: sa.Connection, search: bool) -> list[tuple[str, str]]:
    """Drop the indexes whose keys copies do not append at the end; returns their definitions."""
    found = [
        (str(name), str(definition))
        for name, definition in conn.execute(
            sa.text(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND indexname IN "
                "('ix_versions_content_hash', 'ix_version_search_document')"
            )
        )
        if search or name != "ix_version_search_document"
    ]
    for name, _ in found:
        conn.execute(sa.text(f'DROP INDEX "{name}"'))
    return found


def _rebuild(conn: sa.Connection, indexes: list[tuple[str, str]], *, progress: bool) -> None:
    """PostgreSQL after copying: indexes back, figures recounted, sequences past the top."""
    conn.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
    for name, definition in indexes:
        began = time.perf_counter()
        conn.execute(sa.text(definition))
        if progress:
            print(f"  index {name}: {time.perf_counter() - began:.0f} s", flush=True)
    _recount(conn)
    for table, key, _ in _REPEATED[:3]:
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), "
                f"(SELECT max({key}) FROM {table}))"
            )
        )


def _recount(conn: sa.Connection) -> None:
    """source_counts and source_days from scratch, as the counting triggers keep them."""
    conn.execute(sa.text("DELETE FROM source_counts"))
    conn.execute(
        sa.text(
            "INSERT INTO source_counts "
            "(source_id, articles, active, versions, changed, edits, last_change_at) "
            "SELECT source_id, count(*), count(*) FILTER (WHERE status = 'active'), "
            "sum(version_count), count(*) FILTER (WHERE version_count > 1), "
            "sum(greatest(version_count - 1, 0)), max(last_change_at) "
            "FROM articles GROUP BY source_id"
        )
    )
    conn.execute(sa.text("DELETE FROM source_days"))
    conn.execute(
        sa.text(
            "INSERT INTO source_days (source_id, day, edits, stealth) "
            "SELECT source_id, (captured_at AT TIME ZONE 'UTC')::date, count(*), "
            "count(*) FILTER (WHERE change_flags::jsonb ? 'stealth') "
            "FROM versions WHERE NOT trivial AND number > 1 GROUP BY 1, 2"
        )
    )
