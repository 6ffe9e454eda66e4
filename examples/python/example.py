#!/usr/bin/python3
"""A tour of the service from Python: health, catalogue, evaluate and gradient
over NumPy arrays, a handled error, and a 1M-float benchmark (raw vs values).

    examples/python/generate_stubs.sh
    /usr/bin/python3 examples/python/example.py --target 127.0.0.1:50051
"""
import argparse
import os
import statistics
import time

import grpc
import numpy as np

from activation_client import ActivationClient, to_tensor, to_values_tensor


def median_ms(call, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def benchmark(client, n, repeats):
    """Median round trip of sigmoid over n floats, through raw bytes and through packed values."""
    x = np.random.default_rng(1).standard_normal(n, dtype=np.float32)
    raw_ms = median_ms(lambda: client.evaluate("sigmoid", x, encode=to_tensor), repeats)
    values_ms = median_ms(lambda: client.evaluate("sigmoid", x, encode=to_values_tensor), repeats)
    mb = n * 4 / 1e6
    print(f"benchmark sigmoid, {n} floats, median of {repeats}: "
          f"raw {raw_ms:.1f} ms ({mb / raw_ms * 1e3:.0f} MB/s) | "
          f"values {values_ms:.1f} ms ({mb / values_ms * 1e3:.0f} MB/s) | "
          f"raw is {values_ms / raw_ms:.1f}x faster")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default=os.environ.get("ACTIVATION_TARGET", "127.0.0.1:50051"))
    parser.add_argument("--bench-floats", type=int, default=1_000_000)
    parser.add_argument("--bench-repeats", type=int, default=5)
    args = parser.parse_args()

    with ActivationClient(args.target) as client:
        print("health:", client.health())
        print("catalogue:", ", ".join(info.name for info in client.catalogue()))

        x = np.array([[-2.0, -0.5, 0.0], [0.5, 2.0, 20.0]], dtype=np.float32)
        print("sigmoid(x) =\n", client.evaluate("sigmoid", x))
        print("leaky_relu(x; negative_slope=0.1) =\n",
              client.evaluate("leaky_relu", x, params={"negative_slope": 0.1}))

        # float16 and float64 arrays travel in their dtype, bfloat16 as uint16 bit patterns.
        print("sigmoid(x) in float16 =\n", client.evaluate("sigmoid", x.astype(np.float16)))
        print("sigmoid(x) in float64 =\n", client.evaluate("sigmoid", x.astype(np.float64)))
        bf16 = (x.view(np.uint32) >> 16).astype(np.uint16)  # x's values are exact in bfloat16
        y_bits = client.evaluate("sigmoid", bf16)
        print("sigmoid(x) in bfloat16 =\n", (y_bits.astype(np.uint32) << 16).view(np.float32))

        grad_y = np.full_like(x, 0.5)  # the upstream gradient of a backward pass
        grad_x, y = client.gradient("tanh", x, grad_output=grad_y, include_output=True)
        print("tanh(x) =\n", y)
        print("0.5 * tanh'(x) =\n", grad_x)

        try:
            client.evaluate("no_such_activation", x)
        except grpc.RpcError as e:
            print(f"rejected as expected: {e.code().name}: {e.details()}")

        benchmark(client, args.bench_floats, args.bench_repeats)


if __name__ == "__main__":
    main()
