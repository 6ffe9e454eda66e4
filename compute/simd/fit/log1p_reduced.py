#!/usr/bin/env python3
"""Fits log1p(u) = u + u^2 R(u) on [-0.25, 0.5] for the log1p of
compute/simd/log1p-inl.h (Log1pUnit: log1p(e) for e in [0, 1] is
u + u^2 R(u) with u = e below 0.5, else ln 2 + u + u^2 R(u) with
u = (e - 1) / 2, exact). R is a relative least-squares fit whose
coefficients are rounded to float (or, with --double, to double) one at a
time (float_fit's fit_rounding_each). The script measures the rounded
polynomial's error relative to R.

Usage: python3 compute/simd/fit/log1p_reduced.py DEGREE_OF_R [--double]
Prints the C++ constant pasted into log1p-inl.h.
"""
import sys

import mpmath as mp

from float_fit import fit_rounding_each, to_float

mp.mp.prec = 200
LOW, HIGH = mp.mpf(-0.25), mp.mpf(0.5)


def r(u):
    if abs(u) < mp.mpf("1e-30"):
        return mp.mpf(-0.5)
    return (mp.log1p(u) - u) / (u * u)


def main():
    args = [a for a in sys.argv[1:] if a != "--double"]
    degree = int(args[0])
    double = "--double" in sys.argv
    fixed, worst = fit_rounding_each(r, LOW, HIGH, degree, float if double else to_float, samples=400, checks=2000)
    bits = 53 if double else 24
    print(f"// degree {degree}: max relative error of R: {mp.nstr(worst, 3)} ({mp.nstr(worst * 2**bits, 3)} x 2^-{bits})")
    if double:
        print("constexpr double kDouble[] = {" + ", ".join(repr(float(c)) for c in fixed) + "};")
    else:
        print("constexpr float kFloat[] = {" + ", ".join("%.9ef" % c for c in fixed) + "};")


if __name__ == "__main__":
    main()
