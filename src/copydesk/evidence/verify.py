"""`copydesk verify`: re-hash every stored capture, and the WARC files when capture is on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from copydesk.archive import verify_warc_file
from copydesk.archive.writer import OPEN_SUFFIX
from copydesk.store import Store


@dataclass(slots=True)
class VerifyReport:
    blobs: int = 0
    warc_files: int = 0
    warc_records: int = 0
    citations: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(store: Store, warc_dir: Path | None) -> VerifyReport:
    """Re-hash blobs and WARC records; every version that cites a WARC record must find it."""
    report = VerifyReport()
    for digest, problem in store.verify_blobs():
        report.blobs += 1
        if problem is not None:
            report.problems.append(f"blob {digest}: {problem}")
    if warc_dir is None:
        return report
    ids: dict[str, set[str]] = {}
    for path in sorted(warc_dir.glob("*.warc*")):
        checked = verify_warc_file(path)
        report.warc_files += 1
        report.warc_records += checked.records
        report.problems.extend(checked.problems)
        ids[path.name.removesuffix(OPEN_SUFFIX)] = checked.record_ids
    for article_id, number, file, record_id in store.warc_citations():
        report.citations += 1
        if record_id not in ids.get(Path(file).name, set()):
            report.problems.append(
                f"article {article_id} version {number}: WARC record {record_id} "
                f"not found in {file}"
            )
    return report
