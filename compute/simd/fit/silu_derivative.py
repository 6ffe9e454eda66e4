#!/usr/bin/env python3
"""Fits silu'(x) = s(x) (1 + x s(-x)) near its root r ~ -1.2785 as t P(t),
t = (x - r_hi) - r_lo, for the float kernel in compute/simd/logistic.cc.

Float lanes cannot evaluate silu' there from s and x s(-x): the two terms
cancel. P(t) = silu'(r + t) / t has no root, so its float Horner evaluation
keeps full relative accuracy. The fit is a Chebyshev interpolant (mpmath
chebyfit) of P over the window, its coefficients rounded to float; the
script then measures the rounded polynomial's relative error on a dense grid.

Usage: python3 compute/simd/fit/silu_derivative.py [LOW HIGH DEGREE]
Prints the C++ constants pasted into logistic.cc (kSiluRootHi/Lo, kSiluSlopeNearRoot);
the kernel uses LOW HIGH DEGREE = -1.7 -0.9 7 (the default).
"""
import sys

import mpmath as mp

from float_fit import fit_float_polynomial, horner, to_float

mp.mp.prec = 200


def s(x):
    return 1 / (1 + mp.exp(-x))


def derivative(x):
    return s(x) * (1 + x * s(-x))


def main():
    low, high, degree = -1.7, -0.9, 7
    if len(sys.argv) == 4:
        low, high, degree = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    root = mp.findroot(derivative, mp.mpf("-1.2785"))
    root_hi = to_float(root)
    root_lo = to_float(root - root_hi)
    exact_root = mp.mpf(root_hi) + mp.mpf(root_lo)

    def p(t):
        if abs(t) < mp.mpf("1e-40"):
            return mp.diff(derivative, exact_root)
        return derivative(exact_root + t) / t

    t_low, t_high = mp.mpf(low) - exact_root, mp.mpf(high) - exact_root
    rounded, worst = fit_float_polynomial(p, t_low, t_high, degree, lambda c, t: abs(horner(c, t) / p(t) - 1))
    print(f"// root {mp.nstr(root, 20)}; window [{low}, {high}], degree {degree}")
    print(f"// max relative error of the float-rounded P: {mp.nstr(worst, 3)}"
          f" ({mp.nstr(worst * 2**24, 3)} x 2^-24)")
    print(f"constexpr float kSiluRootHi = {root_hi!r}f;")
    print(f"constexpr float kSiluRootLo = {root_lo!r}f;")
    print("constexpr float kSiluSlopeNearRoot[] = {" + ", ".join(f"{c!r}f" for c in rounded) + "};")


if __name__ == "__main__":
    main()
