"""docs/limits.md names every limit of the one settings object, with its default."""

from dataclasses import fields
from pathlib import Path

from zfxxgk.model.limits import LIMITS, MB, Limits

DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"


def test_every_limit_is_documented_with_its_default():
    text = DOC.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
            for line in text.splitlines() if line.startswith("| `")}
    assert set(rows) == {f.name for f in fields(Limits)}
    for f in fields(Limits):
        value = getattr(LIMITS, f.name)
        shown = f"{value // MB} MB" if f.name.endswith(("bytes", "memory")) else f"{value:,g}" if isinstance(value, float) else f"{value:,}"
        assert rows[f.name] == shown, (f.name, rows[f.name], shown)
