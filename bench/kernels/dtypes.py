#!/usr/bin/env python3
"""Per-dtype kernel throughput at 1M elements, one thread, with PyTorch's
float64 as a peer: runs kernels_bench's fast/ (float32), float16/, bfloat16/
and float64/ rows and bench/kernels/torch_float64.py in turn, ROUNDS times
(interleaved, so both see the same machine load), and writes every round's
items/s to one JSON file that bench/render_docs.py renders ("dtypes").

    bench/kernels/dtypes.py build/bench/kernels/kernels_bench bench/results/kernels/dtypes.json \\
        --context cpu_model="..." --context conditions="..."
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 1 << 20


def kernels_round(binary, min_time):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([binary, f"--benchmark_filter=^(fast|float16|bfloat16|float64)/.*/{SIZE}$",
                        f"--benchmark_min_time={min_time}", "--benchmark_enable_random_interleaving=true",
                        f"--benchmark_out={out.name}", "--benchmark_out_format=json"],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, ACTIVATION_COMPUTE_THREADS="1"))
        return json.load(open(out.name))


def torch_round(min_time):
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "torch_float64.py"), "--size", str(SIZE),
                          "--min-time", str(min_time)], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kernels_bench")
    parser.add_argument("out")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.1)
    parser.add_argument("--context", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    context, rounds = {}, []
    for r in range(args.rounds):
        kernels, torch = kernels_round(args.kernels_bench, args.min_time), torch_round(2 * args.min_time)
        if not context:
            context = {k: kernels["context"].get(k) for k in ("num_cpus", "mhz_per_cpu", "simd_target", "date")}
            context.update(torch["context"])
        # In registration (catalogue) order, whatever order the run interleaved them in.
        ordered = sorted(kernels["benchmarks"], key=lambda b: b["family_index"]) + torch["benchmarks"]
        rates = {b["name"]: b["items_per_second"] for b in ordered}
        rounds.append(rates)
        print(f"round {r + 1}/{args.rounds}: {len(rates)} rows", file=sys.stderr)
    context.update(dict(item.split("=", 1) for item in args.context))
    context["rounds"] = args.rounds
    with open(args.out, "w") as f:
        json.dump({"context": context, "rounds": rounds}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
