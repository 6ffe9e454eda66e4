#!/usr/bin/env python3
"""Fits the small-|x| branches of the float tanhshrink kernel in
compute/simd/hyperbolic.cc, as polynomials in u = x^2 (mpmath chebyfit,
coefficients rounded to float):
  forward:    x - tanh x = x u P(u)   for |x| < FORWARD_LIMIT
              (x - tanh x cancels there; above it (|x| - 1) + 2e / (1 + e)
              with e = e^-2|x| adds two non-negative terms);
  derivative: tanh^2 x   = u S(u)     for |x| < SLOPE_LIMIT
              (above it 1 - 4e / (1 + e)^2 subtracts at most a half).
Also simulates the kernel's float evaluation (u = x^2 rounded, each fma and
product rounded) on a grid of floats and prints its worst error in ULP.

Usage: python3 compute/simd/fit/tanhshrink.py [FORWARD_DEGREE SLOPE_DEGREE]
"""
import sys

import mpmath as mp

from float_fit import to_float

mp.mp.prec = 200
FORWARD_LIMIT = 1.0
SLOPE_LIMIT = 0.875


def ulp_error(got, exact):
    return abs(got - exact) / mp.mpf(2) ** (mp.floor(mp.log(abs(exact), 2)) - 23)


def horner(coefficients, u):
    acc = mp.mpf(coefficients[-1])
    for c in reversed(coefficients[:-1]):
        acc = mp.mpf(to_float(acc * u + c))
    return acc


def fit(name, g, limit, degree, kernel, exact):
    coefficients = [to_float(c) for c in reversed(mp.chebyfit(g, [0, mp.mpf(limit) ** 2], degree + 1))]
    worst, at = 0, 0
    for i in range(1, 3001):
        x = to_float(mp.mpf(limit) * i / 3000 * (1 - mp.mpf(2) ** -20))
        err = ulp_error(kernel(coefficients, x), exact(mp.mpf(x)))
        if err > worst:
            worst, at = err, x
    print(f"// {name}: |x| < {limit}, degree {degree}: float evaluation {mp.nstr(worst, 3)} ULP at x = {at!r}")
    print(f"constexpr float k{name}[] = {{" + ", ".join(f"{c!r}f" for c in coefficients) + "};")


def forward_kernel(c, x):
    u = to_float(x * x)
    return to_float(to_float(x * u) * horner(c, u))


def slope_kernel(c, x):
    u = to_float(x * x)
    return to_float(u * horner(c, u))


def main():
    forward_degree, slope_degree = 8, 7
    if len(sys.argv) == 3:
        forward_degree, slope_degree = int(sys.argv[1]), int(sys.argv[2])

    def p(u):
        if u < mp.mpf("1e-40"):
            return mp.mpf(1) / 3
        x = mp.sqrt(u)
        return (x - mp.tanh(x)) / (x * u)

    def s(u):
        if u < mp.mpf("1e-40"):
            return mp.mpf(1)
        return mp.tanh(mp.sqrt(u)) ** 2 / u

    fit("TanhshrinkSmall", p, FORWARD_LIMIT, forward_degree, forward_kernel, lambda x: x - mp.tanh(x))
    fit("TanhSquaredSmall", s, SLOPE_LIMIT, slope_degree, slope_kernel, lambda x: mp.tanh(x) ** 2)


if __name__ == "__main__":
    main()
