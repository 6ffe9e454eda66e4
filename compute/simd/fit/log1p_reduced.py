#!/usr/bin/env python3
"""Fits log1p(u) = u Q(u) on [-0.25, 0.5] for the float log1p of
compute/simd/logistic-inl.h (Log1pUnit: log1p(e) for e in [0, 1] is u Q(u)
with u = e below 0.5, else ln 2 + u Q(u) with u = (e - 1) / 2, exact).
Q is a Chebyshev interpolant (mpmath chebyfit) with float coefficients; the
script measures the rounded polynomial's error relative to log1p(u).

Usage: python3 compute/simd/fit/log1p_reduced.py [DEGREE_OF_Q]   (default 9)
Prints the C++ constant pasted into logistic-inl.h (kLog1pReduced).
"""
import struct
import sys

import mpmath as mp

mp.mp.prec = 200
LOW, HIGH = mp.mpf(-0.25), mp.mpf(0.5)


def to_float(v):
    return struct.unpack("f", struct.pack("f", float(v)))[0]


def q(u):
    if abs(u) < mp.mpf("1e-30"):
        return mp.mpf(1)
    return mp.log1p(u) / u


def main():
    degree = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    coefficients, _ = mp.chebyfit(q, [LOW, HIGH], degree + 1, error=True)
    rounded = [to_float(c) for c in reversed(coefficients)]  # constant term first
    worst = mp.mpf(0)
    steps = 20000
    for i in range(steps + 1):
        u = LOW + (HIGH - LOW) * i / steps
        poly = mp.mpf(0)
        for c in reversed(rounded):
            poly = poly * u + c
        worst = max(worst, abs(poly / q(u) - 1))
    print(f"// degree {degree}: max relative error of Q: {mp.nstr(worst, 3)} ({mp.nstr(worst * 2**24, 3)} x 2^-24)")
    print("constexpr float kLog1pReduced[] = {" + ", ".join(f"{c!r}f" for c in rounded) + "};")


if __name__ == "__main__":
    main()
