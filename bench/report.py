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
              " ratios are more stable than times but still affected.",
              "- Parts measured: " + "; ".join(f"{part} {results[part]['measured']['date']} (load {results[part]['measured']['load_average'][0]:.1f})"
                                             for part in ("build", "load", "sparql", "gil", "pages", "soak", "hostile", "fuzz")
                                             if isinstance(results.get(part), dict) and "measured" in results[part]) + ".", "", TARGETS, ""]
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
        new, repeated = s["levels"], s.get("repeated", {})
        ox_new, ox_rep = new["oxigraph"], repeated.get("oxigraph", {})
        lines += ["## SPARQL endpoint vs `oxigraph serve-read-only`", "",
                  "Small queries (label, ASK, mentions with LIMIT), JSON results, closed-loop clients on keep-alive connections, "
                  "wrk as the load client (C, event-driven; bench/new_queries.lua). *New*: every request a query never asked before "
                  "(a counter in a comment), so nothing comes from memory: the front plans it and a sealed query worker answers it. "
                  "*Repeated*: the same three queries again and again, answered from the front's memory of this build. "
                  "Both servers read copies of the same store, one after the other.", "",
                  "| clients | new: archivekg p50 / p99 (ms) | oxigraph p50 / p99 | p50 ratio | archivekg req/s | oxigraph req/s | throughput ratio "
                  "| repeated: archivekg p50 | oxigraph p50 | p50 ratio | archivekg req/s | oxigraph req/s | throughput ratio |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for clients in sorted(ox_new, key=int):
            a, o = new["archivekg"][clients], ox_new[clients]
            row = (f"| {clients} | {a['p50_ms']:.2f} / {a['p99_ms']:.1f} | {o['p50_ms']:.2f} / {o['p99_ms']:.1f} | {a['p50_ms'] / o['p50_ms']:.2f}× "
                   f"| {a['throughput_rps']:.0f} | {o['throughput_rps']:.0f} | {a['throughput_rps'] / o['throughput_rps']:.2f}× ")
            if clients in ox_rep:
                ra, ro = repeated["archivekg"][clients], ox_rep[clients]
                row += (f"| {ra['p50_ms']:.2f} | {ro['p50_ms']:.2f} | {ra['p50_ms'] / ro['p50_ms']:.2f}× | {ra['throughput_rps']:.0f} "
                        f"| {ro['throughput_rps']:.0f} | {ra['throughput_rps'] / ro['throughput_rps']:.2f}× |")
            lines.append(row)
        errors = sum(level["errors"] for server in (new, repeated) for levels in server.values() for level in levels.values())
        p50 = new["archivekg"]["1"]["p50_ms"] / ox_new["1"]["p50_ms"]
        worst = min(new["archivekg"][c]["throughput_rps"] / ox_new[c]["throughput_rps"] for c in ("8", "32"))
        lines += ["", f"- New queries: p50 at 1 client {p50:.2f}× Oxigraph ({verdict(p50 <= 1.5)} ≤ 1.5×); lowest throughput ratio at 8 and 32 clients"
                  f" {worst:.2f}× ({verdict(worst >= 0.7)} ≥ 0.7×). Errors in all levels: {errors}."]
        if ox_rep:
            rp50 = repeated["archivekg"]["1"]["p50_ms"] / ox_rep["1"]["p50_ms"]
            rworst = min(repeated["archivekg"][c]["throughput_rps"] / ox_rep[c]["throughput_rps"] for c in ox_rep)
            lines += [f"- Repeated queries: p50 at 1 client {rp50:.2f}× ({verdict(rp50 <= 1.5)} ≤ 1.5×); lowest throughput ratio {rworst:.2f}× ({verdict(rworst >= 0.7)} ≥ 0.7×)."]
        an = s["analytic_ms"]
        lines += [*[f"- Analytic query, {title} (a new query each time): archivekg {an[title]['archivekg']:.1f} ms, oxigraph {an[title]['oxigraph']:.1f} ms,"
                    f" rdflib-endpoint {an[title]['rdflib-endpoint']:.1f} ms (called in process, no socket): archivekg is"
                    f" {an[title]['rdflib-endpoint'] / an[title]['archivekg']:.1f}× faster ({verdict(an[title]['rdflib-endpoint'] / an[title]['archivekg'] >= 10)} ≥ 10×)."
                    for title in an],
                  "- Memory of the servers after the run (all processes: the front and its query workers for archivekg): "
                  + ", ".join(f"{k} {v:.0f} MB" for k, v in s.get("server_rss_mb", {}).items()) + ".", "",
                  "![latency vs concurrency](latency.png)", ""]
    if "gil" in results:
        g = results["gil"]
        pace = g["python_steps_per_s_during_query"] / g["python_steps_per_s_alone"]
        lines += ["## Does pyoxigraph release the GIL?", "",
                  f"{'Yes' if g['releases_gil'] else 'No'}: one long query alone took {g['1_threads']['wall_s']:.2f} s; two at once in two threads of one process"
                  f" {g['2_threads']['wall_s']:.2f} s wall for {g['2_threads']['cpu_s']:.2f} s of CPU; a pure-Python thread kept {pace:.0%} of its pace"
                  " while a query ran. What it allows and what it does not: see the notes below.", ""]
    if "hostile" in results:
        h = results["hostile"]
        hon, before = h["honest"], h["honest_before"]
        kinds = {k: v for k, v in h["hostile_requests"].items() if isinstance(v, dict)}
        lines += ["## Soak with hostile traffic", "",
                  f"{h['seconds']} s of honest new small queries (wrk, 8 clients) while hostile clients ran alongside, each kind in a loop "
                  "(bench/hostile.py): " + "; ".join(f"{k} ({', '.join(f'{n}× {status}' for status, n in v.items())})" for k, v in kinds.items()) + ".", "",
                  f"- Honest clients: p50 {hon['p50_ms']:.2f} ms (before the attack {before['p50_ms']:.2f} ms), p99 {hon['p99_ms']:.1f} ms, {hon['throughput_rps']:.0f} req/s,"
                  f" {hon['errors']} errors ({verdict(hon['p50_ms'] < 100 and hon['errors'] == 0)} < 100 ms p50 and no errors).",
                  f"- SERVICE calls that left the server: {h['hostile_requests'].get('service calls that left the server')}.",
                  f"- Peak memory: the front {h['front_peak_rss_mb']:.0f} MB; the largest query worker {h['worker_peak_rss_mb']:.0f} MB"
                  f" ({h['workers_seen']} worker processes over the run: the stopped ones are replaced). Ceiling: each worker's data is capped at"
                  f" {h['worker_memory_limit_mb']} MB (ARCHIVEKG_WORKER_MEMORY_MB) plus the store's mapped files; answers at 16 MB; "
                  f"answers after the soak: {h['answers_after']}.", ""]
    if "pages" in results:
        p = results["pages"]
        lines += ["## Entity page vs DESCRIBE", "", f"`/id/person/mao-zedong` as HTML p50 {p['page_ms']:.2f} ms vs Oxigraph `DESCRIBE` of the same IRI p50 {p['describe_ms']:.2f} ms:"
                  f" {p['ratio']:.2f}× ({verdict(p['ratio'] <= 3)} ≤ 3×)."]
        if "page_made_ms" in p:
            lines += [f"Made each time (the front's memory off, the only cache of pages): {p['page_made_ms']:.1f} ms ({p['page_made_ms'] / p['describe_ms']:.2f}×)."]
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
        for kind in ("levels", "repeated"):
            for name, levels in results["sparql"].get(kind, {}).items():
                clients = sorted(levels, key=int)
                label = f"{name} {'new' if kind == 'levels' else 'repeated'}"
                ax.plot([int(c) for c in clients], [levels[c]["p50_ms"] for c in clients], "o-" if kind == "levels" else "s:", label=f"{label} p50")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel("latency (ms)")
        ax.set_title("Small SPARQL queries: latency vs concurrency")
        ax.legend()
        fig.tight_layout()
        fig.savefig(folder / "latency.png", dpi=100)
        plt.close(fig)
