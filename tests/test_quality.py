"""Quality on the development corpus (documents the rules were not written from), held to the
last recorded figures: a floor that only rises (bench/quality.py --record raises it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import quality  # noqa: E402  (bench/quality.py: the measurement the README reports)


@pytest.mark.slow
def test_dev_set_figures_hold_the_recorded_floor(tmp_path):
    devset = quality.default_devset()
    if not (devset / "score.py").exists():
        pytest.skip(f"no dev set at {devset}: set ARCHIVEKG_DEVSET to measure quality")
    floor = json.loads(quality.RECORD.read_text(encoding="utf-8"))["floor"]
    figures, report = quality.measure(devset, tmp_path)
    print(report)
    print(quality.table(figures, floor))
    below = {name: (figures[name], kept) for name, kept in floor.items() if not quality.better(name, figures[name], kept)}
    assert not below, f"below the recorded floor (now, floor): {below}"
