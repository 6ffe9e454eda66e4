#!/usr/bin/env python3
"""Renders the measured tables in README.md and docs/*.md from the raw results
committed under bench/results/, so no measured figure is typed by hand.

A page asks for a table with a pair of markers; the renderer owns what is
between them:

    <!-- render: KIND RAW_FILE [RAW_FILE ...] -->
    (generated: do not edit)
    <!-- end render -->

KIND is one of the renderers below (kernels, pool, targets, dtypes, serving,
replicas, text);
RAW_FILE paths are relative to the repository root.

    bench/render_docs.py                 # rewrite every block in README.md and docs/*.md
    bench/render_docs.py --check         # exit 1 naming each stale block (the docs test)
    bench/render_docs.py --print KIND RAW_FILE ...   # one table on stdout

Speed figures are medians over a run's repetitions; each ratio compares two
rows of the same run. Standard library only.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- render: ([a-z_]+)((?: [^ >]+)+) -->\n)(.*?)(<!-- end render -->)", re.S)
DASH = "–"


def fmt(v, digits=2):
    return DASH if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


# --- Google Benchmark JSON (bench/kernels/kernels_bench) ---------------------

def load_benchmark(path):
    """Returns (context, {name: (items/s, bytes/s)}), medians when repeated,
    in registration order (the catalogue's) whatever the run's interleaving."""
    with open(path) as f:
        run = json.load(f)
    medians = {}
    for b in sorted(run["benchmarks"], key=lambda b: (b.get("family_index", 0), b.get("per_family_instance_index", 0))):
        name = b["name"]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") != "median":
                continue
            name = b["run_name"]
        elif name in medians:
            continue  # repetitions without aggregates: keep the first
        medians[name.replace("/real_time", "")] = (b.get("items_per_second"), b.get("bytes_per_second"))
    return run.get("context", {}), medians


def machine_line(context):
    model = context.get("cpu_model", "CPU model not recorded")
    line = (f"Machine: {model}, {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
            f"kernels on the {context.get('simd_target', '?')} target")
    if context.get("onednn_isa"):
        line += f", oneDNN on {context['onednn_isa']}"
    if context.get("conditions"):
        line += f"; {context['conditions']}: compare within a row, not across runs"
    return line + "."


def giga(v):
    return v / 1e9 if v else None


def kernel_table(m, columns):
    """The catalogue's labels and the sizes of the fast/ rows, and a table's
    header with `columns` repeated per size."""
    labels = list(dict.fromkeys(name.split("/")[1] for name in m if name.startswith("fast/")))
    sizes = sorted({int(name.split("/")[-1]) for name in m if name.startswith("fast/")})
    tag = lambda n: f"{n >> 20}M" if n >= 1 << 20 else f"{n >> 10}K"
    head = "| function | pass |" + "".join(f" {tag(n)} {c} |" for n in sizes for c in columns)
    return labels, sizes, [head, "|---|---|" + "---:|" * (len(columns) * len(sizes))]


def render_kernels(paths):
    """Throughput of every kernel against the scalar reference, oneDNN and memcpy."""
    context, m = load_benchmark(paths[0])
    get = lambda key: m.get(key, (None, None))
    labels, sizes, lines = kernel_table(m, ["G/s", "x ref", "oneDNN G/s", "x oneDNN", "copy %"])
    row = "| memcpy | copy |"
    for n in sizes:
        row += f" {fmt(giga(get(f'memcpy/{n}')[0]))} | | | | 100 |"
    lines.append(row)
    for label in labels:
        for p in ("forward", "derivative", "vjp"):
            row = f"| {label} | {p} |"
            for n in sizes:
                fast, fast_bytes = get(f"fast/{label}/{p}/{n}")
                ref, _ = get(f"reference/{label}/{p}/{n}")
                # oneDNN's backward is a VJP: the peer of both f' and the VJP.
                dnn, _ = get(f"onednn/{label}/{'forward' if p == 'forward' else 'vjp'}/{n}")
                copy = ratio(fast_bytes, get(f"memcpy/{n}")[1])
                row += (f" {fmt(giga(fast))} | {fmt(ratio(fast, ref), 1)} | {fmt(giga(dnn))} |"
                        f" {fmt(ratio(fast, dnn))} | {fmt(copy and 100 * copy, 0)} |")
            lines.append(row)
    return lines + ["", machine_line(context)]


def render_pool(paths):
    """Compute() on the worker pool against one thread, as a speed-up per size."""
    context, m = load_benchmark(paths[0])
    rows = {}
    for name in m:
        if name.startswith("pool/"):
            _, label, p, n = name.split("/")
            rows.setdefault(f"{label} {p}", []).append((int(n), name, f"serial/{label}/{p}/{n}"))
    sizes = sorted({n for cells in rows.values() for n, _, _ in cells})
    tag = lambda n: f"{n >> 20}M" if n >= 1 << 20 and n % (1 << 20) == 0 else f"{n >> 10}K"
    lines = ["| pool / one thread | " + " | ".join(tag(n) for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for key, cells in rows.items():
        by_size = {n: ratio(m[pool][0], m.get(serial, (None,))[0]) for n, pool, serial in cells}
        lines.append(f"| {key} | " + " | ".join(fmt(by_size.get(n)) for n in sizes) + " |")
    return lines + ["", machine_line(context)]


def render_targets(paths):
    """The same kernels capped at each SIMD target, one run per target."""
    runs = [load_benchmark(p) for p in paths]
    names = list(dict.fromkeys(name for _, m in runs for name in m if name.startswith("fast/")))
    head = "| target | " + " | ".join(f"{n.split('/')[1]} {n.split('/')[2]}" for n in names) + " |"
    lines = [head, "|---|" + "---:|" * len(names)]
    for context, m in runs:
        lines.append(f"| {context.get('simd_target', '?')} | "
                     + " | ".join(fmt(giga(m.get(n, (None,))[0])) for n in names) + " |")
    size = names[0].split("/")[-1] if names else "?"
    context = dict(runs[0][0], simd_target="each row's")
    return lines + ["", f"G elements/s at {size} elements, single thread. " + machine_line(context)]


# --- bench/kernels/dtypes.py: rounds of kernels_bench and PyTorch in turn ----

NARROW_GOAL, TORCH_GOAL = 0.8, 2.0


def render_dtypes(paths):
    """Each dtype's rate at 1M elements against float32's, and float64's against PyTorch's."""
    with open(paths[0]) as f:
        run = json.load(f)
    context, rounds = run["context"], run["rounds"]
    median = lambda name: statistics.median(r[name] for r in rounds) if name in rounds[0] else None

    def same_round(a, b):  # median over the rounds of a / b measured in the same round
        if a not in rounds[0] or b not in rounds[0]:
            return None
        return statistics.median(r[a] / r[b] for r in rounds if r[b])

    below = {"narrow": [0, 0], "torch": [0, 0]}  # [below the goal, compared]
    beyond_bytes = 0  # float64 rows below the goal where the goal exceeds the bytes bound

    def goal(value, kind, target, bound=None):
        nonlocal beyond_bytes
        if value is None:
            return DASH
        below[kind][1] += 1
        if value < target:
            below[kind][0] += 1
            if bound is not None and bound < target:
                beyond_bytes += 1
                return f"**{fmt(value)}** ⊘ ≤ {fmt(bound)}"
            return f"**{fmt(value)}** ✗"
        return fmt(value)

    lines = ["| function | pass | float32 G/s | float16 G/s | ÷ float32 | bfloat16 G/s | ÷ float32 | float64 G/s"
             " | PyTorch float64 G/s | float64 ÷ PyTorch |", "|---|---|" + "---:|" * 8]
    size = next(name.split("/")[-1] for name in rounds[0] if name.startswith("fast/"))
    labels = list(dict.fromkeys(name.split("/")[1] for name in rounds[0] if name.startswith("fast/")))
    for label in labels:
        for p in ("forward", "derivative", "vjp"):
            key = lambda prefix: f"{prefix}/{label}/{p}/{size}"
            row = f"| {label} | {p} | {fmt(giga(median(key('fast'))))} |"
            for narrow in ("float16", "bfloat16"):
                row += (f" {fmt(giga(median(key(narrow))))} |"
                        f" {goal(same_round(key(narrow), key('fast')), 'narrow', NARROW_GOAL)} |")
            # float64 step moves the same bytes as any kernel of this pass with no arithmetic:
            # its rate over PyTorch's is the most this row's ratio could be.
            bound = same_round(f"float64/step/{p}/{size}", key("torch_float64"))
            row += (f" {fmt(giga(median(key('float64'))))} | {fmt(giga(median(key('torch_float64'))))} |"
                    f" {goal(same_round(key('float64'), key('torch_float64')), 'torch', TORCH_GOAL, bound)} |")
            lines.append(row)
    machine = dict(context, conditions=None)
    return lines + [
        "",
        f"G elements/s at {int(size) >> 20}M elements, one thread: medians of {len(rounds)} rounds, each running"
        f" kernels_bench (its rows interleaved at random) and then PyTorch {context.get('torch_version', '?')};"
        f" a ratio is the median of the rounds' own ratios. Goals: float16 and bfloat16 ≥ {NARROW_GOAL}× float32,"
        f" float64 ≥ {TORCH_GOAL}× PyTorch; below its goal (✗, ⊘): {below['narrow'][0]} of {below['narrow'][1]}"
        f" narrow ratios, {below['torch'][0]} of {below['torch'][1]} float64 ratios. Of those,"
        f" {beyond_bytes} (⊘) are out of reach on this machine: float64 step, which moves the same bytes"
        f" with no arithmetic, reaches less than {TORCH_GOAL}× PyTorch in the same rounds (its ratio follows ≤:"
        f" about the most any kernel of that pass can reach); {below['torch'][0] - beyond_bytes} (✗) are not."
        f" A dash: no such PyTorch function or pass."
        + (f" Conditions: {context['conditions']}." if context.get("conditions") else ""),
        "",
        machine_line(machine)]


# --- activation-client bench --json, as collected by bench/serving/serve.sh ---

def render_serving(paths):
    """activation-server against the echo baseline under the same load."""
    records = [json.loads(line) for line in open(paths[0]) if line.strip()]
    machine = next((r["machine"] for r in records if "machine" in r), {})
    extra = [r for r in records if "note" in r]
    rows = [r for r in records if "case" in r]
    cases = list(dict.fromkeys(r["case"] for r in rows))
    repeats = len({r["run"] for r in rows})

    def value(r, key):
        return r["latency_ms"]["p99"] if key == "p99" else r[key]

    def med(case, target, key):
        return statistics.median(value(r, key) for r in rows if r["case"] == case and r["target"] == target)

    def pair_ratio(case, key):  # median over the repeats of server / echo in the same repeat
        by_run = {(r["run"], r["target"]): value(r, key) for r in rows if r["case"] == case}
        pairs = [by_run[run, "server"] / e for (run, target), e in by_run.items()
                 if target == "echo" and e and (run, "server") in by_run]
        return statistics.median(pairs) if pairs else None

    lines = ["| case | server req/s | echo req/s | ratio | server MB/s | echo MB/s | server p99 ms | echo p99 ms"
             " | p99 ratio | server CPU µs/call | echo CPU µs/call | CPU ratio | errors |",
             "|---|" + "---:|" * 11 + "---|"]
    for c in cases:
        bad = sum(r["mismatches"] + sum(r["errors"].values()) for r in rows if r["case"] == c)
        lines.append(
            f"| {c} | {fmt(med(c, 'server', 'req_per_s'), 0)} | {fmt(med(c, 'echo', 'req_per_s'), 0)}"
            f" | {fmt(pair_ratio(c, 'req_per_s'))} | {fmt(med(c, 'server', 'payload_mb_per_s'), 1)}"
            f" | {fmt(med(c, 'echo', 'payload_mb_per_s'), 1)} | {fmt(med(c, 'server', 'p99'), 3)}"
            f" | {fmt(med(c, 'echo', 'p99'), 3)} | {fmt(pair_ratio(c, 'p99'))}"
            f" | {fmt(med(c, 'server', 'cpu_us_per_call'), 0)} | {fmt(med(c, 'echo', 'cpu_us_per_call'), 0)}"
            f" | {fmt(pair_ratio(c, 'cpu_us_per_call'))} | {bad} |")
    lines += [""] + [r["note"] for r in extra] + [""] if extra else [""]
    lines.append(f"Medians of {repeats} runs per case; a ratio is the median over the runs of activation-server"
                 f" / echo measured back to back. Machine: {machine.get('cpu_model', 'not recorded')},"
                 f" {machine.get('cores', '?')} cores shared by server, echo and load generator"
                 + (f"; {machine['conditions']}" if machine.get("conditions") else "") + ".")
    return lines


# --- deploy/measure-replicas.sh ----------------------------------------------

def render_replicas(paths):
    """Throughput and CPU per GiB through 1, 2 and 3 replicas, one table per raw file."""
    lines = ["| rpc | replicas | MiB/s | speed-up | server CPU s/GiB | client CPU s/GiB | CPU share per replica |",
             "|---|---:|---:|---:|---:|---:|---|"]
    machine, setup = "not recorded", ""
    for path in paths:
        for line in open(path):
            if line.startswith("# machine:"):
                machine = line.split(":", 1)[1].strip()
            elif line.startswith("eval "):
                rpc = re.search(r"--rpc (\w+)", line).group(1)
                setup = re.sub(r", load [0-9.]+$", "", line.strip())
            elif line[:1].isdigit():
                n, rate, speedup, server, client, *shares = line.split()
                lines.append(f"| {rpc} | {n} | {rate} | {speedup} | {server} | {client} | {' '.join(shares)} |")
    return lines + ["", f"{setup.split(', --rpc')[0]}, medians of the runs. Machine: {machine}."]


def render_text(paths):
    """A tool's own text output, verbatim."""
    lines = ["```text"]
    for path in paths:
        lines += open(path).read().rstrip("\n").split("\n")
    return lines + ["```"]


def render_peers(paths):
    """Every vector kernel against oneDNN in the same run, and its bytes/s against memcpy's."""
    context, m = load_benchmark(paths[0])
    get = lambda key: m.get(key, (None, None))
    labels, sizes, lines = kernel_table(m, ["G/s", "oneDNN G/s", "x oneDNN", "copy %"])
    below, compared = 0, 0
    for label in labels:
        for p in ("forward", "derivative", "vjp"):
            row = f"| {label} | {p} |"
            for n in sizes:
                fast, fast_bytes = get(f"fast/{label}/{p}/{n}")
                dnn, _ = get(f"onednn/{label}/{'forward' if p == 'forward' else 'vjp'}/{n}")
                speedup = ratio(fast, dnn)
                cell = fmt(speedup)
                if speedup is not None:
                    compared += 1
                    if speedup < 1.0:
                        below += 1
                        cell = f"**{cell}** ✗"
                copy = ratio(fast_bytes, get(f"memcpy/{n}")[1])
                row += f" {fmt(giga(fast))} | {fmt(giga(dnn))} | {cell} | {fmt(copy and 100 * copy, 0)} |"
            lines.append(row)
    return lines + ["", f"Below oneDNN (✗): {below} of {compared} rows that oneDNN has. "
                    f"Medians of {context.get('repetitions', '?')} interleaved repetitions.", "",
                    machine_line(context)]


RENDERERS = {"kernels": render_kernels, "peers": render_peers, "pool": render_pool, "targets": render_targets, "dtypes": render_dtypes,
             "serving": render_serving, "replicas": render_replicas, "text": render_text}


def render(kind, raw_paths):
    if kind not in RENDERERS:
        raise ValueError(f"unknown renderer '{kind}' (known: {', '.join(RENDERERS)})")
    paths = [os.path.join(ROOT, p) for p in raw_paths]
    return "\n".join(RENDERERS[kind](paths)) + "\n"


def update(path, check):
    """Rewrites (or with check, compares) every block in one page; returns the stale ones."""
    with open(path) as f:
        text = f.read()
    stale = []

    def replace(match):
        kind, raw = match.group(2), match.group(3).split()
        try:
            body = render(kind, raw)
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
            stale.append(f"{os.path.relpath(path, ROOT)}: render: {kind} {' '.join(raw)}: {e}")
            return match.group(0)
        if body != match.group(4) and check:
            stale.append(f"{os.path.relpath(path, ROOT)}: render: {kind} {' '.join(raw)} is stale")
        return match.group(1) + body + match.group(5)

    new = BLOCK.sub(replace, text)
    if not check and new != text:
        with open(path, "w") as f:
            f.write(new)
    return stale


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when a block is stale")
    parser.add_argument("--print", nargs="+", metavar=("KIND", "RAW_FILE"), help="print one table")
    parser.add_argument("pages", nargs="*", help="default: README.md and docs/*.md")
    args = parser.parse_args()
    if args.print:
        sys.stdout.write(render(args.print[0], args.print[1:]))
        return 0
    pages = args.pages or [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    problems = [p for page in pages for p in update(page, args.check)]
    for p in problems:
        print(p, file=sys.stderr)
    if problems and args.check:
        print("run bench/render_docs.py to regenerate", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
