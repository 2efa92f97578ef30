"""bench/RESULTS.md and the plots, from the results dict of bench/run.py."""

from __future__ import annotations

from pathlib import Path

TARGETS = """Targets (issue 10): build ≤ 1.3× bare spaCy; linear growth; 2 workers ≥ 1.6× faster than 1;
store writing ≤ 1.2× bulk_load; SPARQL p50 ≤ 1.5× Oxigraph on small queries and throughput ≥ 0.7×;
≥ 10× faster than rdflib-endpoint on an analytic query; entity page p50 ≤ 3× an Oxigraph DESCRIBE."""


def verdict(ok: bool) -> str:
    return "meets" if ok else "**misses**"


def write_report(results: dict, folder: Path) -> None:
    lines = ["# Benchmark results", "", "Written by `python bench/run.py" + (" --quick" if results["profile"] == "quick" else "") + "`; "
             "see bench/README.md. Every ratio compares two systems measured one after the other in the same run.", ""]
    m = results["machine"]
    lines += ["## Machine", "", f"- {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}; {m['system']}",
              f"- {m['date']}; load average at start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}",
              "- **Caveat:** the 2 cores were shared with other jobs during the run, so absolute times are noisy;"
              " ratios are more stable than times but still affected.", "", TARGETS, ""]
    if "build" in results:
        b = results["build"]
        lines += ["## Extraction", "",
                  "Bare spaCy is `nlp.pipe` (one process, and `n_process=2`); the default build uses one worker per core; the one-worker build is the like-for-like figure.", "",
                  "| documents | characters | bare spaCy (s) | spaCy, 2 processes (s) | archivekg build, default (s) | ratio | build, 1 worker (s) | ratio | 1 worker, no SHACL (s) | ratio |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for r in b["sizes"]:
            lines.append(f"| {r['documents']} | {r['chars']:,} | {r['spacy_s']:.2f} | {r.get('spacy_2_processes_s', float('nan')):.2f} | {r['build_s']:.2f} | {r['ratio']:.2f}× "
                         f"| {r.get('build_1_worker_s', float('nan')):.2f} | {r.get('ratio_1_worker', float('nan')):.2f}× | {r['build_no_validate_s']:.2f} | {r['ratio_no_validate']:.2f}× |")
        last = b["sizes"][-1]
        first = b["sizes"][0]
        growth = (last["build_s"] / first["build_s"]) / (last["documents"] / first["documents"])
        lines += ["", f"- Build (default) vs bare spaCy on the largest corpus: {last['ratio']:.2f}× ({verdict(last['ratio'] <= 1.3)} ≤ 1.3×);"
                  f" one worker vs bare spaCy {last.get('ratio_1_worker', float('nan')):.2f}×; default vs spaCy with 2 processes {last.get('ratio_vs_spacy_2_processes', float('nan')):.2f}×.",
                  f"- Growth: {last['documents'] // first['documents']}× the documents took {last['build_s'] / first['build_s']:.1f}× the time (1.0 = linear; measured {growth:.2f}).",
                  f"- CLI build of {b['cli']['1']['documents']} documents (model load included): 1 worker {b['cli']['1']['wall_s']:.1f} s, 2 workers {b['cli']['2']['wall_s']:.1f} s:"
                  f" speed-up {b['workers_speedup']:.2f}× ({verdict(b['workers_speedup'] >= 1.6)} ≥ 1.6×).",
                  f"- Peak RSS of the build (main process, 1 worker): {b['cli_smallest']['peak_rss_mb']:.0f} MB for {b['cli_smallest']['documents']} documents,"
                  f" {b['cli']['1']['peak_rss_mb']:.0f} MB for {b['cli']['1']['documents']}: about {b['rss_mb_per_1000_docs']:.0f} MB more per 1,000 documents"
                  " (the whole corpus's analysis is held until the graph is written).", "",
                  "![build time vs corpus size](build_time.png)", ""]
    if "load" in results:
        lo = results["load"]
        lines += ["## Loading", "", f"{lo['quads']:,} quads: the build's store writing {lo['ours_s']:.2f} s vs `bulk_load` of the same N-Quads {lo['bulk_load_s']:.2f} s:"
                  f" {lo['ratio']:.2f}× ({verdict(lo['ratio'] <= 1.2)} ≤ 1.2×).", ""]
    if "sparql" in results:
        s = results["sparql"]
        levels, ox_levels = s["levels"], s["levels"]["oxigraph"]
        lines += ["## SPARQL endpoint vs `oxigraph serve-read-only`", "",
                  "Small queries (label, ASK, mentions with LIMIT), JSON results, closed-loop clients on keep-alive connections. "
                  "`archivekg` is the server as shipped: a query asked again is answered from the front's memory of this build "
                  "(server/front.py). `archivekg-computed` is the same server with that memory off "
                  "(`ARCHIVEKG_RESPONSE_CACHE_MB=0`): every request goes through Flask and a query worker, the cost of a query never asked before.", "",
                  "| clients | server | p50 / p99 (ms) | p50 vs oxigraph | req/s | throughput vs oxigraph | errors |", "|---|---|---|---|---|---|---|"]
        for clients in sorted(ox_levels, key=int):
            o = ox_levels[clients]
            for name in levels:
                a = levels[name][clients]
                lines.append(f"| {clients} | {name} | {a['p50_ms']:.2f} / {a['p99_ms']:.1f} | {a['p50_ms'] / o['p50_ms']:.2f}× |"
                             f" {a['throughput_rps']:.0f} | {a['throughput_rps'] / o['throughput_rps']:.2f}× | {a['errors']} |")
        one = levels["archivekg"]
        p50 = one["1"]["p50_ms"] / ox_levels["1"]["p50_ms"]
        worst = min(one[c]["throughput_rps"] / ox_levels[c]["throughput_rps"] for c in ox_levels)
        computed = levels.get("archivekg-computed", {})
        an = s["analytic_ms"]
        lines += ["", f"- As shipped: p50 at 1 client {p50:.2f}× ({verdict(p50 <= 1.5)} ≤ 1.5×); lowest throughput ratio over 1, 8 and 32 clients"
                  f" {worst:.2f}× ({verdict(worst >= 0.7)} ≥ 0.7×)."]
        if computed:
            cp50 = computed["1"]["p50_ms"] / ox_levels["1"]["p50_ms"]
            cworst = min(computed[c]["throughput_rps"] / ox_levels[c]["throughput_rps"] for c in ox_levels)
            lines += [f"- Every query computed: p50 at 1 client {cp50:.2f}× ({verdict(cp50 <= 1.5)} ≤ 1.5×); lowest throughput ratio {cworst:.2f}×"
                      f" ({verdict(cworst >= 0.7)} ≥ 0.7×)."]
        ours = "archivekg-computed" if "archivekg-computed" in next(iter(an.values()), {}) else "archivekg"
        lines += [*[f"- Analytic query, {title} (computed, never from memory): archivekg {an[title][ours]:.1f} ms, oxigraph {an[title]['oxigraph']:.1f} ms,"
                    f" rdflib-endpoint {an[title]['rdflib-endpoint']:.1f} ms (called in process, no socket): archivekg is"
                    f" {an[title]['rdflib-endpoint'] / an[title][ours]:.1f}× faster ({verdict(an[title]['rdflib-endpoint'] / an[title][ours] >= 10)} ≥ 10×)."
                    for title in an],
                  f"- Peak RSS of the servers: " + ", ".join(f"{k} {v:.0f} MB" for k, v in s.get("server_rss_mb", {}).items()) + ".", "",
                  "![latency vs concurrency](latency.png)", ""]
    if "pages" in results:
        p = results["pages"]
        lines += ["## Entity page vs DESCRIBE", "", f"`/id/person/mao-zedong` as HTML p50 {p['page_ms']:.2f} ms vs Oxigraph `DESCRIBE` of the same IRI p50 {p['describe_ms']:.2f} ms:"
                  f" {p['ratio']:.2f}× ({verdict(p['ratio'] <= 3)} ≤ 3×)."]
        if "page_computed_ms" in p:
            lines += [f"Without the front's memory (from the pages' own cache) {p['page_computed_ms']:.2f} ms ({p['page_computed_ms'] / p['describe_ms']:.2f}×);"
                      f" the page made from the store, the first time it is asked: {p['page_made_ms']:.1f} ms."]
        lines += [""]
    if "soak" in results:
        k = results["soak"]
        ran = k.get("ran_s", k["requests"] / k["throughput_rps"] if k["throughput_rps"] else k["seconds"])
        capped = f" (of the {k['seconds']} s asked: stopped at the {k['requests'] + k['errors']:,}-request cap of bench/load.py)" if ran < k["seconds"] - 1 else ""
        lines += ["## Load: 32 clients, queries and pages mixed", "", f"{ran:.0f} s{capped}: {k['requests']} requests, {k['errors']} errors, p50 {k['p50_ms']:.1f} ms, p99 {k['p99_ms']:.1f} ms,"
                  f" {k['throughput_rps']:.0f} req/s; server peak RSS {k['server_rss_mb']:.0f} MB; answers afterwards: {k['answers_after']}."
                  + (f" First errors: {k['first_errors']}" if k["errors"] else ""), ""]
    if "fuzz" in results:
        f = results["fuzz"]
        lines += ["## Fuzzing", "", f"{f['examples']} hypothesis examples (random and mutated queries, Accept headers, paths, methods): "
                  f"{'no 5xx, no traceback' if f['passed'] else '**FAILED**'} ({f['summary']}, {f['seconds']:.0f} s).", ""]
    notes = folder / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    (folder / "RESULTS.md").write_text("\n".join(lines) + "\n")
    plots(results, folder)


def plots(results: dict, folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if "build" in results:
        rows = results["build"]["sizes"]
        fig, ax = plt.subplots(figsize=(6, 4))
        docs = [r["documents"] for r in rows]
        ax.plot(docs, [r["build_s"] for r in rows], "o-", label="archivekg build")
        ax.plot(docs, [r["build_no_validate_s"] for r in rows], "s--", label="build without SHACL")
        ax.plot(docs, [r["spacy_s"] for r in rows], "^-", label="bare spaCy nlp.pipe")
        ax.set_xlabel("documents")
        ax.set_ylabel("seconds")
        ax.set_title("Build time vs corpus size")
        ax.legend()
        fig.tight_layout()
        fig.savefig(folder / "build_time.png", dpi=100)
        plt.close(fig)
    if "sparql" in results:
        fig, ax = plt.subplots(figsize=(6, 4))
        for name, levels in results["sparql"]["levels"].items():
            clients = sorted(levels, key=int)
            ax.plot([int(c) for c in clients], [levels[c]["p50_ms"] for c in clients], "o-", label=f"{name} p50")
            ax.plot([int(c) for c in clients], [levels[c]["p99_ms"] for c in clients], "x--", label=f"{name} p99")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel("latency (ms)")
        ax.set_title("Small SPARQL queries: latency vs concurrency")
        ax.legend()
        fig.tight_layout()
        fig.savefig(folder / "latency.png", dpi=100)
        plt.close(fig)
