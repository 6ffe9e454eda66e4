#!/usr/bin/python3
"""PyTorch's float64 CPU rate for the activations, one thread: the peer of
kernels_bench's float64/ rows (bench/kernels/dtypes.py runs both in turn).

Each function at the parameters kernels_bench uses (the catalogue's defaults,
PyTorch's conventions), on 1M doubles uniform in [-8, 8):
  torch_float64/<label>/forward/<n>     the torch.nn.functional op
  torch_float64/<label>/derivative/<n>  its autograd backward with grad_output = 1
  torch_float64/<label>/vjp/<n>         its autograd backward with a random grad_output
(row-wise functions over rows of 1024, VJP only). Functions PyTorch lacks (step)
have no rows. Prints Google Benchmark-style JSON: {"context", "benchmarks"}.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

PRELU_WEIGHT = torch.tensor([0.25], dtype=torch.float64)
ROW = 1024
FUNCTIONS = {
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01), "elu": F.elu, "selu": F.selu, "celu": F.celu,
    "gelu": F.gelu, "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "silu": F.silu, "mish": F.mish,
    "softplus": lambda x: F.softplus(x, 1.0, 20.0), "softsign": F.softsign, "hardtanh": F.hardtanh,
    "relu6": F.relu6, "hardsigmoid": F.hardsigmoid, "hardswish": F.hardswish, "logsigmoid": F.logsigmoid,
    "tanhshrink": F.tanhshrink, "softshrink": lambda x: F.softshrink(x, 0.5),
    "hardshrink": lambda x: F.hardshrink(x, 0.5), "threshold": lambda x: F.threshold(x, 0.0, 0.0),
    "prelu": lambda x: F.prelu(x, PRELU_WEIGHT),
    "softmax": lambda x: F.softmax(x.view(-1, ROW), dim=-1),
    "log_softmax": lambda x: F.log_softmax(x.view(-1, ROW), dim=-1),
}
ROWWISE = {"softmax", "log_softmax"}


def rate(call, n, min_time):
    """Elements per second of call(), repeated for at least min_time seconds."""
    for _ in range(3):  # warm-up: first-call set-up, page faults, the allocator settling
        call()
    iterations, start = 0, time.perf_counter()
    while True:
        call()
        iterations += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return iterations * n / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1 << 20)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--only", nargs="*", help="labels to run (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(1)
    n = args.size
    x = torch.rand(n, dtype=torch.float64, generator=generator) * 16 - 8
    g = torch.rand(n, dtype=torch.float64, generator=generator) * 16 - 8
    ones = torch.ones(n, dtype=torch.float64)
    benchmarks = []
    for label, function in FUNCTIONS.items():
        if args.only and label not in args.only:
            continue
        name = f"torch_float64/{label}/%s/{n}"
        with torch.no_grad():
            benchmarks.append({"name": name % "forward", "items_per_second": rate(lambda: function(x), n, args.min_time)})
        leaf = x.clone().requires_grad_()
        y = function(leaf)
        passes = [("vjp", g)] if label in ROWWISE else [("derivative", ones), ("vjp", g)]
        for pass_name, grad_output in passes:
            grad_output = grad_output.view_as(y)
            call = lambda: torch.autograd.grad(y, leaf, grad_output, retain_graph=True)
            benchmarks.append({"name": name % pass_name, "items_per_second": rate(call, n, args.min_time)})
    context = {"torch_version": torch.__version__, "torch_threads": torch.get_num_threads()}
    json.dump({"context": context, "benchmarks": benchmarks}, __import__("sys").stdout, indent=1)


if __name__ == "__main__":
    main()
