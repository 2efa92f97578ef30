"""How the page of a document grows with the document (issue 16, point 5).

Builds telegrams of 1x, 3x and 9x the same text (the seed telegram's body repeated: the same
density of mentions, claims and figures) and times, for each, making its first page in a
fresh app (the one pass over the document's annotations included) and then a later page
(the annotations already read), with no page cache. The reference is the 1x document in the
same run: a linear page grows at most like the text (ratio <= size ratio); a paged one
grows far less, since one page renders at most `text_window.PAGE_CHARS` characters.

    python bench/long_pages.py [--work DIR] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNIT = 5  # repeats of the seed body in the 1x document (about 20,000 characters)
SIZES = (1, 3, 9)


def text_of(multiple: int) -> str:
    seed = (ROOT / "seeds" / "001_6bf8637f507ce4ab.txt").read_text(encoding="utf-8-sig")
    head, _, body = seed.partition("I report")
    return head + "I report" + ("\n\n" + body.strip()) * (UNIT * multiple) + "\n"


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the corpus and store here")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from archivekg.build import build
    from archivekg.server import create_app
    from archivekg.settings import Settings

    try:
        from archivekg.server.text_window import page_count
    except ImportError:  # a version before texts were paged (to measure it the same way)
        page_count = lambda length: 1  # noqa: E731

    work = args.work or Path(tempfile.mkdtemp(prefix="archivekg-long-pages-"))
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for multiple in SIZES:
        (corpus / f"x{multiple}.txt").write_text(text_of(multiple), encoding="utf-8")
    settings = Settings.from_env({}, store=work / "store", validate=False, page_cache_size=0)
    if not (work / "store").exists():
        build(settings, [corpus])
    results = {}
    for multiple in SIZES:
        path = f"/id/document/x{multiple}"
        pages = page_count(len(text_of(multiple)))

        def first_page():
            client = create_app(settings).test_client()
            assert client.get(path, headers={"Accept": "text/html"}).status_code == 200

        client = create_app(settings).test_client()
        client.get(path, headers={"Accept": "text/html"})  # the annotations read once
        later = f"{path}?page={pages}"
        results[f"{multiple}x"] = {
            "characters": len(text_of(multiple)),
            "pages": pages,
            "first_page_ms": median_ms(first_page, args.repeats),
            "later_page_ms": median_ms(lambda: client.get(later, headers={"Accept": "text/html"}), args.repeats),
            "page_bytes": len(client.get(later, headers={"Accept": "text/html"}).data),
        }
    base = results["1x"]
    for multiple in SIZES:
        entry = results[f"{multiple}x"]
        entry["size_ratio"] = round(entry["characters"] / base["characters"], 2)
        entry["first_page_ratio"] = round(entry["first_page_ms"] / base["first_page_ms"], 2)
        entry["later_page_ratio"] = round(entry["later_page_ms"] / base["later_page_ms"], 2)
    results["load_average"] = os.getloadavg()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
