#!/usr/bin/env python3
"""Fits log1p(u) = u Q(u) on [-0.25, 0.5] for the float log1p of
compute/simd/logistic-inl.h (Log1pUnit: log1p(e) for e in [0, 1] is u Q(u)
with u = e below 0.5, else ln 2 + u Q(u) with u = (e - 1) / 2, exact).
Q is a Chebyshev interpolant (mpmath chebyfit) with float coefficients; the
script measures the rounded polynomial's error relative to log1p(u).

Usage: python3 compute/simd/fit/log1p_reduced.py [DEGREE_OF_Q]   (default 9)
Prints the C++ constant pasted into logistic-inl.h (kLog1pReduced).
"""
import sys

import mpmath as mp

from float_fit import fit_float_polynomial, horner, to_float

mp.mp.prec = 200
LOW, HIGH = mp.mpf(-0.25), mp.mpf(0.5)


def q(u):
    if abs(u) < mp.mpf("1e-30"):
        return mp.mpf(1)
    return mp.log1p(u) / u


def main():
    degree = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    rounded, worst = fit_float_polynomial(q, LOW, HIGH, degree, lambda c, u: abs(horner(c, u) / q(u) - 1))
    print(f"// degree {degree}: max relative error of Q: {mp.nstr(worst, 3)} ({mp.nstr(worst * 2**24, 3)} x 2^-24)")
    print("constexpr float kLog1pReduced[] = {" + ", ".join(f"{c!r}f" for c in rounded) + "};")


if __name__ == "__main__":
    main()
