#!/usr/bin/env python3
"""Turns a kernels_bench JSON run into the README's throughput table.

usage: kernels_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
           --benchmark_format=json --benchmark_out=run.json --benchmark_out_format=json
       bench/kernels/readme_table.py run.json > table.md

Figures are medians over the repetitions, in G elements/s; ratios compare
rows of the same run. "copy %" is the kernel's bytes/s over memcpy's at that
size (read + write; the VJP reads two arrays).
"""
import json
import sys


def load(path):
    with open(path) as f:
        run = json.load(f)
    medians = {}
    # Registration order (the catalogue's), not the order of a run with
    # --benchmark_enable_random_interleaving.
    benchmarks = sorted(run["benchmarks"], key=lambda b: b.get("family_index", 0))
    for b in benchmarks:
        name = b["name"]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") != "median":
                continue
            name = b["run_name"]
        elif name in medians:
            continue  # single run: keep the first
        name = name.replace("/real_time", "")
        medians[name] = (b.get("items_per_second", 0.0), b.get("bytes_per_second", 0.0))
    return run.get("context", {}), medians


def fmt(v, digits=2):
    return "–" if v is None else f"{v:.{digits}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    context, m = load(sys.argv[1])
    get = lambda key: m.get(key, (None, None))
    labels = []
    for name in m:
        parts = name.split("/")
        if parts[0] == "fast" and parts[1] not in labels:
            labels.append(parts[1])
    sizes = [("1M", 1 << 20), ("16M", 1 << 24)]
    head = "| function | pass |"
    rule = "|---|---|"
    for tag, _ in sizes:
        head += f" {tag} fast | {tag} ref | {tag} x ref | {tag} oneDNN | {tag} x oneDNN | {tag} copy % |"
        rule += "---:|---:|---:|---:|---:|---:|"
    lines = [head, rule]
    copy_row = "| memcpy | copy |"
    for _, n in sizes:
        items, _ = get(f"memcpy/{n}")
        copy_row += f" {fmt(items and items / 1e9)} | | | | | 100 |"
    lines.append(copy_row)
    for label in labels:
        for p in ("forward", "derivative", "vjp"):
            row = f"| {label} | {p} |"
            for _, n in sizes:
                fast, fast_bytes = get(f"fast/{label}/{p}/{n}")
                ref, _ = get(f"reference/{label}/{p}/{n}")
                # oneDNN's backward is a VJP; it is the peer of both f' and the VJP.
                dnn, _ = get(f"onednn/{label}/{'forward' if p == 'forward' else 'vjp'}/{n}")
                _, copy_bytes = get(f"memcpy/{n}")
                g = lambda v: v / 1e9 if v else None
                row += (f" {fmt(g(fast))} | {fmt(g(ref))} | {fmt(ratio(fast, ref), 1)} | {fmt(g(dnn))} |"
                        f" {fmt(ratio(fast, dnn))} | {fmt(ratio(fast_bytes, copy_bytes) and 100 * ratio(fast_bytes, copy_bytes), 0)} |")
            lines.append(row)
    pool = [name for name in m if name.startswith("pool/")]
    if pool:
        lines += ["", "| Compute() (pool) vs one thread | n | pool G/s | one thread G/s | speed-up |", "|---|---:|---:|---:|---:|"]
        for name in pool:
            _, label, p, n = name.split("/")
            pooled, _ = get(name)
            single, _ = get(f"serial/{label}/{p}/{n}")
            lines.append(f"| {label} {p} | {n} | {fmt(pooled and pooled / 1e9)} | {fmt(single and single / 1e9)} |"
                         f" {fmt(ratio(pooled, single))} |")
    print("\n".join(lines))
    cpu = context.get("host_name", "?")
    print(f"\nMachine: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
          f"SIMD target {context.get('simd_target', '?')}, host {cpu}, run {context.get('date', '?')}.")


if __name__ == "__main__":
    main()
