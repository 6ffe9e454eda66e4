#!/usr/bin/env python3
"""Fits the polynomials of the float exponential in compute/simd/exp-inl.h
(degrees 4 and 5, exp_fit::kDegree4 and kDegree5):
e^r - 1 = r + r^2 P(r) for |r| <= ln(2)/2 (the reduced argument), P a
Chebyshev interpolant (mpmath chebyfit) of (e^r - 1 - r) / r^2 with float
coefficients. Prints the constants and the relative error of r + r^2 P(r)
(coefficients rounded to float, arithmetic exact) on a dense grid.

Usage: python3 compute/simd/fit/exp.py [DEGREE] [--double]
(--double: coefficients rounded to double, for the double-lane exp)
"""
import sys

import mpmath as mp

from float_fit import to_float

mp.mp.prec = 200


def p(r):
    return mp.mpf(1) / 2 if abs(r) < mp.mpf("1e-30") else (mp.expm1(r) - r) / (r * r)


def main():
    double = "--double" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--double"]
    degree = int(args[0]) if args else 5
    rounding, bits, suffix, kind = (float, 53, "", "double") if double else (to_float, 24, "f", "float")
    h = mp.log(2) / 2
    coefficients = mp.chebyfit(p, [-h, h], degree + 1)
    rounded = [rounding(c) for c in reversed(coefficients)]  # c0 first
    worst = 0
    for i in range(4001):
        r = -h + 2 * h * i / 4000
        if r == 0:
            continue
        approx = r + r * r * mp.polyval(list(reversed([mp.mpf(c) for c in rounded])), r)
        worst = max(worst, abs(approx / mp.expm1(r) - 1))
    print(f"// degree {degree}: relative error of r + r^2 P(r) {mp.nstr(worst, 3)} ({mp.nstr(worst / mp.mpf(2)**-bits, 3)} ULP)")
    name = f"kDoubleDegree{degree}" if double else f"kDegree{degree}"
    print(f"constexpr {kind} {name}[] = {{" + ", ".join(f"{c!r}{suffix}" for c in rounded) + "};")


if __name__ == "__main__":
    main()
