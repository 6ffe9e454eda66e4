#!/usr/bin/env python3
"""Constants and fitted polynomials of the float64 kernels (double lanes) of
silu, mish, tanhshrink and gelu in compute/simd/{logistic,hyperbolic,gelu}.cc.

Where a derivative has a root, the kernels evaluate it as a sum of terms of
one sign in t = x - r (r the root, split in two doubles hi + lo, so that
x - hi is exact near r): silu' and mish' from expm1(t), gelu's tanh form
from expm1 of a(x) - a(r); the erf form's gelu' = t P(t) is fitted on a
window around its root. tanhshrink below |x| = 1 is x u P(u), u = x^2.
Fits: relative least squares on Chebyshev nodes, coefficients rounded to
double one at a time from the lowest power up, the higher ones refitted
after each rounding; the script prints each fit's relative error on a dense
grid (the coefficients evaluated exactly; the kernel's roundings come on top).

Usage: python3 compute/simd/fit/float64.py
Prints the C++ constants pasted into the kernels ("fit/float64.py output").
"""
import mpmath as mp

from float_fit import fit_rounding_each

mp.mp.prec = 320


def split(v):
    hi = float(v)
    return hi, float(v - mp.mpf(hi))


def fit(name, g, a, b, degree):
    fixed, worst = fit_rounding_each(g, a, b, degree, float, samples=600, checks=3000)
    print("// %s: degree %d on [%s, %s], relative error %s (double coefficients)"
          % (name, degree, mp.nstr(a, 6), mp.nstr(b, 6), mp.nstr(worst, 3)))
    print("constexpr double %s[%d] = {%s};" % (name, degree + 1, ", ".join(repr(float(c)) for c in fixed)))


def print_split(name, v):
    hi, lo = split(v)
    print("constexpr double %sHi = %r, %sLo = %r;  // %s" % (name, hi, name, lo, mp.nstr(v, 25)))


def silu():
    # silu' = e (1 + x + e) / (1 + e)^2 below 0, e = e^x; 1 + r + e^r = 0,
    # so 1 + x + e^x = t + c expm1(t) with c = e^r.
    r = mp.findroot(lambda x: 1 + x + mp.exp(x), -1.28)
    print_split("kSiluSlopeRoot", r)
    print("constexpr double kSiluSlopeRootExp = %r;  // e^r" % float(mp.exp(r)))


def mish():
    # mish' = e g / D^2, g = e^3 + 4e^2 + (6 + 4x) e + 4 + 4x; with x = r + t
    # and m = expm1(t): g = e^3r ((1 + m)^3 - 1) + 4 e^2r ((1 + m)^2 - 1)
    # + (6 + 4r) e^r m + 4t (e^x + 1).
    def g(x):
        e = mp.exp(x)
        return e ** 3 + 4 * e ** 2 + (6 + 4 * x) * e + 4 + 4 * x
    r = mp.findroot(g, -1.19)
    print_split("kMishSlopeRoot", r)
    print("constexpr double kMishSlopeCubic = %r, kMishSlopeSquare = %r, kMishSlopeLinear = %r;"
          % (float(mp.exp(3 * r)), float(4 * mp.exp(2 * r)), float((6 + 4 * r) * mp.exp(r))))


def tanhshrink():
    def p(u):
        if u < mp.mpf("1e-60"):
            return mp.mpf(1) / 3
        x = mp.sqrt(u)
        return (x - mp.tanh(x)) / (x * u)
    fit("kTanhshrinkSmall64", p, mp.mpf(0), mp.mpf(1), 17)


def gelu():
    c1 = 2 * mp.sqrt(2 / mp.pi)
    c3 = c1 * mp.mpf("0.044715")
    print_split("kGeluTanhC1", c1)
    print_split("kGeluTanhC3", c3)
    print_split("kSqrtHalf", 1 / mp.sqrt(2))
    print("constexpr double kInvSqrtPi = %r, kInvSqrt2Pi = %r;" % (float(1 / mp.sqrt(mp.pi)), float(1 / mp.sqrt(2 * mp.pi))))
    # tanh form: gelu' = e (1 + e + x a') / (1 + e)^2 below 0, e = e^a; at the
    # root 1 + e^a(r) + r a'(r) = 0, so 1 + e + x a' = c expm1(a(x) - a(r))
    # + t (C1 + 3 C3 q), a(x) - a(r) = t (C1 + C3 q), q = x^2 + x r + r^2.
    def a(x):
        return c1 * x + c3 * x ** 3
    r = mp.findroot(lambda x: 1 + mp.exp(a(x)) + x * (c1 + 3 * c3 * x ** 2), -0.75)
    print_split("kGeluTanhSlopeRoot", r)
    print("constexpr double kGeluTanhSlopeRootExp = %r;  // e^a(r)" % float(mp.exp(a(r))))
    # erf form: gelu' = Phi(x) + x phi(x) = t P(t) on the window.
    def slope(x):
        return mp.ncdf(x) + x * mp.npdf(x)
    r = mp.findroot(slope, -0.75)
    print_split("kErfSlopeRoot", r)
    low, high = mp.mpf(-1.75), mp.mpf(-0.25)
    fit("kErfSlopeWindow64", lambda t: slope(r + t) / t if abs(t) > mp.mpf("1e-60") else mp.npdf(r) * (2 - r * r),
        low - r, high - r, 24)


def main():
    print("// fit/float64.py output:")
    print("constexpr double kExpMinus64 = %r;  // e^-64" % float(mp.exp(-64)))
    silu()
    mish()
    tanhshrink()
    gelu()


if __name__ == "__main__":
    main()
