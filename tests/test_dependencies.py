"""Every declared dependency is used: imported by copydesk, or needed by one that is (said why)."""

from __future__ import annotations

import ast
import re
import tomllib

from tests.support.paths import REPO

# Declared but not imported by name in src/, each for a reason a reader can check.
INDIRECT = {
    "lxml_html_clean": "lxml.html.clean for justext, which trafilatura runs",
    "cssselect": "lxml.cssselect, which [sources.NAME.extract] selectors compile with",
    "python-multipart": "Starlette parses the admin forms with it",
    "fontpkg-noto-sans": "a font package fontpkg.path() finds for diff cards",
    "fontpkg-noto-sans-arabic": "a font package fontpkg.path() finds for diff cards",
    "playwright": "imported when a page is first rendered, inside a function",
    "psycopg": "SQLAlchemy's postgresql+psycopg dialect loads it from the database URL",
    "warcio": "the WARC archive and export (#14) are built on it",
    "sniffio": "httpcore imports it inside every request; missing, each try searches sys.path",
}
# Distribution name -> the module it is imported as, where the two differ.
MODULE = {
    "charset-normalizer": "charset_normalizer",
    "pillow": "PIL",
    "cvttf-notosanscjk-regular": "cvttf_NotoSansCJK_Regular",
}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].strip()


def _imported() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "src" / "copydesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
            elif (  # importlib.import_module("pyarrow"), for optional extras
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(str(node.args[0].value).split(".")[0])
    return found


def test_every_runtime_dependency_is_used():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [_name(r) for r in project["dependencies"]]
    for extra in ("postgres", "parquet", "render"):
        declared += [_name(r) for r in project["optional-dependencies"].get(extra, [])]
    imported = _imported()
    unused = [
        name
        for name in declared
        if name not in INDIRECT and MODULE.get(name, name.replace("-", "_").lower()) not in imported
    ]
    assert unused == [], "declared but never imported: use it, drop it, or say why in INDIRECT"


def test_courlan_is_not_declared():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "courlan" not in text  # it was declared and never used (#17)
