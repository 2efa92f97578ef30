"""Quality on documents the rules were not written from: the development corpus.

    python bench/quality.py [--devset DIR] [--record] [--json FILE]

Builds the dev set's documents (`DIR/docs`, default `../shared/devset` beside the checkout,
or ARCHIVEKG_DEVSET) with the real command line, exports the graph and scores it with the
dev set's own scorer (`DIR/score.py`) against its hand-made gold (`DIR/gold`). Prints the
scorer's report and a table of the headline figures beside the goals of the issues and the
recorded floor. `--record` writes the figures to `bench/quality.json` and raises the floor
to them where they are better: the floor only rises (tests/test_quality.py holds the build to
it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "bench" / "quality.json"
# metric -> (goal, True when lower is better)
GOALS = {
    "entities precision": (0.95, False),
    "entities recall": (0.95, False),
    "entities typed right": (0.95, False),
    "organisations recall": (0.90, False),
    "military units recall": (0.90, False),
    "gold entities split": (0, True),
    "nodes merging two": (0, True),
    "document kind": (None, False),
    "document date": (0.95, False),
    "sender": (0.90, False),
    "recipient": (0.90, False),
    "numbers": (0.90, False),
    "quoted messages": (0.85, False),
    "figures recall": (0.90, False),
    "figures precision": (0.90, False),
    "figure item right": (None, False),
    "figure holder right": (0.80, False),
    "claims recall": (0.80, False),
    "claims precision": (0.85, False),
    "claimant right": (0.90, False),
    "polarity right": (0.95, False),
    "stated in the right place": (0.90, False),
}


def default_devset() -> Path:
    return Path(os.environ.get("ARCHIVEKG_DEVSET") or ROOT.parent / "shared" / "devset")


def ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def headline(scores: dict) -> dict[str, float]:
    """The figures the issues name, from the scorer's JSON."""
    ent, docs, figs, claims = scores["entities"], scores["documents"], scores["figures"], scores.get("claims", {})
    by_type = ent["by_type"]
    return {
        "entities precision": ratio(ent["tp"], ent["graph"]),
        "entities recall": ratio(ent["found"], ent["gold"]),
        "entities typed right": ratio(ent["typed_strict"], ent["found"]),
        "organisations recall": ratio(by_type["Organization"]["found"], by_type["Organization"]["gold"]),
        "military units recall": ratio(by_type["MilitaryUnit"]["found"], by_type["MilitaryUnit"]["gold"]),
        "gold entities split": len(ent["splits"]),
        "nodes merging two": len(ent["merges"]),
        "document kind": ratio(docs["kind"]["found"], docs["kind"]["total"]),
        "document date": ratio(docs["date"]["found"], docs["date"]["total"]),
        "sender": ratio(docs["sender"]["found"], docs["sender"]["total"]),
        "recipient": ratio(docs["recipient"]["found"], docs["recipient"]["total"]),
        "numbers": ratio(docs["numbers"]["found"], docs["numbers"]["total"]),
        "quoted messages": ratio(docs["quoted"]["found"], docs["quoted"]["total"]),
        "figures recall": ratio(figs["found"], figs["gold"]),
        "figures precision": ratio(figs["tp"], figs["graph"]),
        "figure item right": ratio(figs["item_ok"], figs["item_total"]),
        "figure holder right": ratio(figs.get("held_ok", 0), figs["held_total"]),
        "claims recall": ratio(claims.get("found", 0), claims.get("gold", 0)),
        "claims precision": ratio(claims.get("tp", 0), claims.get("graph", 0)),
        "claimant right": ratio(claims.get("claimant_ok", 0), claims.get("found", 0)),
        "polarity right": ratio(claims.get("polarity_ok", 0), claims.get("found", 0)),
        "stated in the right place": ratio(claims.get("stated_in_ok", 0), claims.get("found", 0)),
    }


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def measure(devset: Path, work: Path) -> tuple[dict[str, float], str]:
    """Build and score the dev set; the headline figures and the scorer's printed report."""
    for needed in ("docs", "gold", "score.py"):
        if not (devset / needed).exists():
            raise SystemExit(f"no dev set at {devset} (missing {needed}): give --devset DIR or set ARCHIVEKG_DEVSET")
    store, export, scores = work / "store", work / "dev.nq", work / "scores.json"
    archivekg = [sys.executable, "-m", "archivekg"]
    run([*archivekg, "build", str(devset / "docs"), "--store", str(store), "--no-validate"], env={**os.environ, "ARCHIVEKG_CACHE": str(work / "cache")})
    run([*archivekg, "export", "--store", str(store), "--format", "nquads", "-o", str(export)])
    report = run(
        [sys.executable, str(devset / "score.py"), "--data", str(export), "--gold", str(devset / "gold"), "--docs-dir", str(devset / "docs"), "--json", str(scores)]
    ).stdout
    return headline(json.loads(scores.read_text(encoding="utf-8"))), report


def better(name: str, value: float, floor: float) -> bool:
    lower_is_better = GOALS[name][1]
    return value <= floor if lower_is_better else value >= floor


def table(figures: dict[str, float], floor: dict[str, float]) -> str:
    lines = [f"{'dev set (48 documents)':34} {'now':>8} {'goal':>8} {'floor':>8}"]
    for name, value in figures.items():
        goal, lower = GOALS[name]
        goal_text = "" if goal is None else (f"<= {goal}" if lower else f">= {goal:.2f}")
        shown = f"{value}" if lower else f"{value:.3f}"
        kept = floor.get(name)
        floor_text = "" if kept is None else (f"{kept}" if lower else f"{kept:.3f}")
        flag = "" if kept is None or better(name, value, kept) else "  BELOW FLOOR"
        lines.append(f"{name:34} {shown:>8} {goal_text:>8} {floor_text:>8}{flag}")
    return "\n".join(lines)


def record(figures: dict[str, float], devset: Path) -> dict:
    previous = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}
    floor = dict(previous.get("floor", {}))
    for name, value in figures.items():
        if name not in floor or better(name, value, floor[name]):
            floor[name] = value
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    data = {
        "measured": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "corpus": "the 48-document development set (dev set), scored by its score.py",
        "figures": figures,
        "floor": floor,
        "notes": previous.get("notes", []),  # why a floor was ever lowered by hand
    }
    RECORD.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=default_devset(), help="the dev set folder (docs/, gold/, score.py)")
    parser.add_argument("--record", action="store_true", help="write bench/quality.json and raise the floor")
    parser.add_argument("--json", type=Path, help="also write the headline figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="archivekg-quality-") as work:
        figures, report = measure(args.devset, Path(work))
    print(report)
    floor = json.loads(RECORD.read_text(encoding="utf-8")).get("floor", {}) if RECORD.exists() else {}
    print(table(figures, floor))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if args.record:
        record(figures, args.devset)
        print(f"\nrecorded in {RECORD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
