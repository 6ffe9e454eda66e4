#!/usr/bin/env python3
"""Fits e^r = 1 + r + r^2 Q(r) on |r| <= ln(2)/2 for the float exp of
compute/simd/logistic-inl.h (ExpNonPositive): Q is a Chebyshev interpolant
(mpmath chebyfit) with float coefficients; the script measures the rounded
polynomial's error relative to e^r on a dense grid.

Usage: python3 compute/simd/fit/exp_reduced.py [DEGREE_OF_Q]   (default 4)
Prints the C++ constants pasted into logistic-inl.h (kExpReduced).
"""
import sys

import mpmath as mp

from float_fit import fit_float_polynomial, horner, to_float

mp.mp.prec = 200


def q(r):
    if abs(r) < mp.mpf("1e-30"):
        return mp.mpf(1) / 2
    return (mp.exp(r) - 1 - r) / (r * r)


def main():
    degree = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    half = mp.log(2) / 2
    rounded, worst = fit_float_polynomial(
        q, -half, half, degree, lambda c, r: abs((1 + r + r * r * horner(c, r)) / mp.exp(r) - 1))
    print(f"// degree {degree}: max relative error of 1 + r + r^2 Q(r): {mp.nstr(worst, 3)}"
          f" ({mp.nstr(worst * 2**24, 3)} x 2^-24)")
    print("constexpr float kExpReduced[] = {" + ", ".join(f"{c!r}f" for c in rounded) + "};")


if __name__ == "__main__":
    main()
