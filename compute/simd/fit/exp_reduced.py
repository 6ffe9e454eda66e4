#!/usr/bin/env python3
"""Fits e^r = 1 + r + r^2 Q(r) on |r| <= ln(2)/2 for the float exp of
compute/simd/logistic-inl.h (ExpNonPositive): Q is a Chebyshev interpolant
(mpmath chebyfit) with float coefficients; the script measures the rounded
polynomial's error relative to e^r on a dense grid.

Usage: python3 compute/simd/fit/exp_reduced.py [DEGREE_OF_Q]   (default 4)
Prints the C++ constants pasted into logistic-inl.h (kExpReduced).
"""
import struct
import sys

import mpmath as mp

mp.mp.prec = 200


def to_float(v):
    return struct.unpack("f", struct.pack("f", float(v)))[0]


def q(r):
    if abs(r) < mp.mpf("1e-30"):
        return mp.mpf(1) / 2
    return (mp.exp(r) - 1 - r) / (r * r)


def main():
    degree = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    half = mp.log(2) / 2
    coefficients, _ = mp.chebyfit(q, [-half, half], degree + 1, error=True)
    rounded = [to_float(c) for c in reversed(coefficients)]  # constant term first
    worst = mp.mpf(0)
    steps = 20000
    for i in range(steps + 1):
        r = -half + 2 * half * i / steps
        poly = mp.mpf(0)
        for c in reversed(rounded):
            poly = poly * r + c
        worst = max(worst, abs((1 + r + r * r * poly) / mp.exp(r) - 1))
    print(f"// degree {degree}: max relative error of 1 + r + r^2 Q(r): {mp.nstr(worst, 3)}"
          f" ({mp.nstr(worst * 2**24, 3)} x 2^-24)")
    print("constexpr float kExpReduced[] = {" + ", ".join(f"{c!r}f" for c in rounded) + "};")


if __name__ == "__main__":
    main()
