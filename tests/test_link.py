"""`archivekg link`: offline candidates, the online path against a local stand-in for Wikidata's
API that replays recorded responses, and accepting reviewed proposals into a gazetteer."""

from __future__ import annotations

import csv
import http.server
import json
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

RECORDED = Path(__file__).parent / "data" / "wikidata"


class ReplayHandler(http.server.BaseHTTPRequestHandler):
    """Answers `?action=X&search=Y` / `&ids=A|B` from the recorded file; 404 for anything else."""

    requests: list[str] = []

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        action = query.get("action", [""])[0]
        key = query.get("search", query.get("ids", [""]))[0].replace("|", "-").replace(" ", "-").lower()
        self.requests.append(f"{action}:{key}")
        path = RECORDED / f"{action}-{key}.json"
        if not path.exists():
            path = next((p for p in RECORDED.glob("*.json") if p.stem.lower() == f"{action}-{key}"), None)
        body = path.read_bytes() if path else json.dumps({"search": [], "entities": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def wikidata_stand_in():
    ReplayHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ReplayHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    server.shutdown()
    server.server_close()


def link(*args):
    return subprocess.run([sys.executable, "-m", "archivekg", "link", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_offline_lists_unlinked_entities(built_store):
    result = link("--store", built_store)
    assert result.returncode == 0, result.stderr
    assert "without a Wikidata link" in result.stdout
    assert "Zhou Enlai" in result.stdout and "Mao Zedong" not in result.stdout


def test_online_proposals_check_the_item_type(built_store, wikidata_stand_in, tmp_path):
    review = tmp_path / "review.tsv"
    result = link("--store", built_store, "--online", "--api", wikidata_stand_in, "--review-file", review)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(review.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    zhou = [r for r in rows if r["label"] == "Zhou Enlai"]
    assert zhou[0]["candidate"] == "Q16977" and zhou[0]["type_ok"] == "yes"
    assert any(r["candidate"] == "Q9999990001" and r["type_ok"] == "no" for r in zhou), "a museum is not a person"
    assert all(r["accept"] == "" for r in rows), "nothing is accepted without a person"


def test_online_without_network_says_so_and_exits_cleanly(built_store, tmp_path):
    result = link("--store", built_store, "--online", "--api", "http://127.0.0.1:9/w/api.php", "--review-file", tmp_path / "r.tsv")
    assert result.returncode == 1
    assert "cannot reach Wikidata" in result.stderr and "Traceback" not in result.stderr


def test_accepting_a_reviewed_row_writes_the_gazetteer(tmp_path):
    gazetteer = tmp_path / "gazetteer.jsonl"
    gazetteer.write_text('{"id": "zhou-enlai", "label": "Zhou Enlai", "type": "person", "aliases": ["Zhou Enlai"]}\n', encoding="utf-8")
    review = tmp_path / "review.tsv"
    review.write_text(
        "entity\tlabel\tkind\tcandidate\tcandidate_label\tdescription\tscore\ttype_ok\taccept\n"
        "zhou-enlai\tZhou Enlai\tperson\tQ16977\tZhou Enlai\tpremier\t1.000\tyes\tyes\n"
        "lin-biao\tLin Biao\tperson\tQ1\tUniverse\tnope\t0.100\tno\t\n",
        encoding="utf-8",
    )
    result = link("--accept", review, "--gazetteer", gazetteer)
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in gazetteer.read_text(encoding="utf-8").splitlines()]
    assert entries == [{"id": "zhou-enlai", "label": "Zhou Enlai", "type": "person", "aliases": ["Zhou Enlai"], "wikidata": "Q16977"}]
