"""The newsroom's prose is data: JSON files shipped as package data, loaded through importlib."""

from __future__ import annotations

import fnmatch
import tomllib

from copydesk.newsroom import stories, wordbank
from tests.support.paths import REPO


def test_every_newsroom_data_file_is_package_data():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["copydesk"]
    package = REPO / "src" / "copydesk"
    files = [p.relative_to(package).as_posix() for p in (package / "newsroom" / "data").iterdir()]
    assert files
    assert [f for f in files if not any(fnmatch.fnmatch(f, g) for g in patterns)] == []


def test_story_kinds_and_word_banks_load_whole():
    kinds = [*stories.HOME_KINDS, *stories.FEATURE_KINDS]
    assert len(kinds) == 12
    assert len({k.section for k in kinds}) >= 6
    for kind in kinds:
        assert all((kind.headlines, kind.leads, kind.details, kind.quotes, kind.caption))
        assert all(speaker in {"official", "expert", "witness"} for speaker, _ in kind.quotes)
    assert "Eastbridge" in wordbank.TOWNS
    assert wordbank.SYNONYMS["said"] == "added"
    assert "{noun}" in wordbank.FIGURE_CORRECTION
