from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.baselines.policies import Fixed, NewsDiffs, NewsSniffer, newsdiffs_delay
from benchmarks.baselines.replay import (
    Chain,
    CopydeskPolicy,
    Observed,
    Score,
    headline_chain,
    replay,
    replay_budget,
)
from benchmarks.schedule import load_chains
from copydesk.settings import ScheduleSettings

MIN = 60.0
DAY = 86400.0


def _chain(key: str, *versions: tuple[float, str]) -> Chain:
    return headline_chain(key, [(t, title, title) for t, title in versions])


def test_headline_chain_keeps_title_changes_only() -> None:
    rows = [(0.0, "A", "A|x"), (10.0, "A", "A|y"), (20.0, "B", "B|y"), (30.0, "A", "A|y")]
    chain = headline_chain("k", rows)
    assert chain.times == (0.0, 20.0, 30.0)
    assert chain.heads == (0, 1, 2)
    seen_all = headline_chain("k", rows, observe_all=True)
    assert seen_all.times == (0.0, 10.0, 20.0, 30.0)
    assert seen_all.heads == (0, 0, 2, 3)  # a summary-only version keeps headline 0 live


def test_replay_scores_catches_delays_and_fetches() -> None:
    # Checks every 10 min from t=0. B (at 25 min) is seen at 30; C (41..45) is overwritten
    # before the 50-min check; D (at 45) is seen at 50. Horizon 1 h: checks 0..60 = 7 fetches.
    chain = _chain("k", (0, "A"), (25 * MIN, "B"), (41 * MIN, "C"), (45 * MIN, "D"))
    score = replay([chain], Fixed(interval=10 * MIN), horizon_days=1 / 24)
    assert (score.articles, score.changes, score.caught, score.fetches) == (1, 3, 2, 7)
    assert sorted(score.delays) == [5 * MIN, 5 * MIN]
    assert score.catch_rate == pytest.approx(2 / 3)


def test_changes_after_the_horizon_do_not_count() -> None:
    chain = _chain("k", (0, "A"), (2 * DAY, "B"))
    score = replay([chain], Fixed(interval=DAY), horizon_days=1)
    assert (score.changes, score.caught, score.fetches) == (0, 0, 2)


def test_labels_split_the_score() -> None:
    chains = [_chain("a", (0, "A"), (5 * MIN, "B")), _chain("b", (0, "A"))]
    score = replay(chains, Fixed(interval=10 * MIN), horizon_days=1 / 24, labels=["x", "y"])
    assert score.parts["x"].changes == 1
    assert score.parts["y"].changes == 0
    assert score.parts["x"].fetches + score.parts["y"].fetches == score.fetches


def test_hint_signal_pulls_a_check_forward() -> None:
    chain = _chain("k", (0, "A"), (30 * MIN, "B"))
    plain = replay([chain], Fixed(interval=DAY), horizon_days=1)
    hinted = replay(
        [chain], Fixed(interval=DAY), horizon_days=1, signals=[[(30 * MIN, True, True)]]
    )
    assert plain.delays == [DAY - 30 * MIN]
    assert hinted.delays == [0.0]


def test_news_sniffer_grows_by_1_2_and_retires() -> None:
    policy = NewsSniffer()
    obs = Observed(discovered=0, last_check=0, last_change=0, title="A")
    assert policy.next_check(obs, 0) == 30 * MIN
    obs.quiet_checks = 2
    assert policy.next_check(obs, 0) == pytest.approx(30 * MIN * 1.44)
    obs.quiet_checks = 60
    assert policy.next_check(obs, 0) is None


@pytest.mark.parametrize(
    ("minutes", "delay"),
    [(0, 15), (179, 15), (180, 60), (1439, 60), (1440, 180), (7 * 1440, 4320), (30 * 1440, 43200)],
)
def test_newsdiffs_steps(minutes: int, delay: int) -> None:
    assert newsdiffs_delay(minutes) == delay


def test_newsdiffs_checks_again_after_15_minutes() -> None:
    obs = Observed(discovered=0, last_check=0, last_change=0, title="A", checks=2)
    assert NewsDiffs().next_check(obs, 0) == 15 * MIN


def test_budget_limits_fetches_and_copydesk_policy_runs() -> None:
    chains = [_chain(str(i), (i * MIN, "A"), (i * MIN + 3 * 3600, "B")) for i in range(40)]
    free = replay(chains, CopydeskPolicy(ScheduleSettings()), horizon_days=1)
    tight = replay_budget(chains, CopydeskPolicy(ScheduleSettings()), per_hour=4, horizon_days=1)
    assert free.caught == free.changes == 40
    assert tight.fetches < free.fetches
    assert tight.fetches <= 40 + 4 * 26  # discoveries plus ~4 an hour
    assert isinstance(tight, Score)


@pytest.mark.corpus
def test_corpus_slice_smoke(corpus: Path) -> None:
    folder = corpus / "bbc-homepage-headline-versions"
    if not folder.is_dir():
        pytest.skip("BBC headline corpus not present")
    chains = sorted(load_chains(folder), key=lambda c: c.discovered)[:400]
    assert all("/live/" not in c.key for c in chains)
    sniffer = replay(chains, NewsSniffer())
    fixed = replay(chains, Fixed())
    assert sniffer.changes > 20
    assert 0.5 < sniffer.catch_rate <= 1.0
    assert 25 < sniffer.fetches_per_article < 40
    assert fixed.fetches_per_article == pytest.approx(241.0, abs=0.5)


def test_a_hint_wakes_an_article_the_policy_stopped_checking() -> None:
    # NewsSniffer-like policy that stops after the discovery check; the front page shows the
    # article again at 2 days, when its headline changed.
    class Once(Fixed):
        def next_check(self, obs: Observed, now: float) -> float | None:
            return None

    chain = _chain("k", (0, "A"), (2 * DAY, "B"))
    signals = [[(0.0, True, False), (DAY, False, False), (2 * DAY, True, True)]]
    quiet = replay([chain], Once(), horizon_days=30)
    woken = replay([chain], Once(), horizon_days=30, signals=signals)
    assert (quiet.caught, quiet.fetches) == (0, 1)
    assert (woken.caught, woken.fetches) == (1, 2)
    assert woken.delays == [0.0]


def test_changes_a_hint_caught_do_not_teach_the_hazard() -> None:
    """Scheduled checks need the hazard of changes no hint announces; hinted ones are free."""
    chains = [_chain(str(i), (i * MIN, "A"), (i * MIN + 2 * DAY, "B")) for i in range(30)]
    signals = [[(c.discovered, True, False), (c.times[1], True, True)] for c in chains]
    policy = CopydeskPolicy(ScheduleSettings(), refresh=0.0)
    score = replay(chains, policy, horizon_days=3, signals=signals)
    assert score.caught == score.changes == 30
    assert policy.stats is not None
    assert sum(sum(row) for row in policy.stats.changes) == 0
    assert sum(sum(row) for row in policy.stats.exposure) > 0
    unhinted = CopydeskPolicy(ScheduleSettings(), refresh=0.0)
    replay(chains, unhinted, horizon_days=3, signals=[s[:1] for s in signals])
    assert unhinted.stats is not None
    assert sum(sum(row) for row in unhinted.stats.changes) > 0


def test_explorers_are_a_stable_share() -> None:
    from copydesk.schedule import is_explorer

    keys = [f"/news/article-{i}" for i in range(4000)]
    share = sum(is_explorer(k, 20) for k in keys) / len(keys)
    assert 0.035 < share < 0.065
    assert [is_explorer(k, 20) for k in keys[:50]] == [is_explorer(k, 20) for k in keys[:50]]
    assert not any(is_explorer(k, 0) for k in keys)
