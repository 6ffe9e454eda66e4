#!/usr/bin/env python3
"""Fits mish'(x) near its root r ~ -1.1924 as t P(t), t = x - r, for the
float kernel in compute/simd/hyperbolic.cc.

Near r the float formula e g / D^2 (see the kernel) loses the relative
accuracy of g to cancellation; P(t) = mish'(r + t) / t has no root, so its
float Horner evaluation keeps it. r is split into three floats so that
t = ((x - r0) - r1) - r2 is exact to 2^-24 relative even for the float
nearest r (|t| ~ 5e-10). P is a Chebyshev interpolant (mpmath chebyfit) over
the window, coefficients rounded to float; the script then measures the
rounded polynomial's relative error on a dense grid.

Also simulates the kernel's float Horner evaluation (each fma rounded to
float) and reports its worst error in ULP of the result.

Usage: python3 compute/simd/fit/mish_derivative.py [LOW HIGH DEGREE]  (x window)
       python3 compute/simd/fit/mish_derivative.py direct LOW HIGH DEGREE
The second form fits mish' itself as a polynomial in s = x - c, c the
window's midpoint rounded to float (a window without the root).
Prints the constants pasted into hyperbolic.cc (kMishRoot*, kMishSlope*).
"""
import sys

import mpmath as mp

from float_fit import to_float

mp.mp.prec = 200


def derivative(x):
    e = mp.exp(x)
    n = e * (e + 2)
    d = n + 2
    return n / d + 4 * x * e * (1 + e) / (d * d)


def direct(low, high, degree):
    mid = to_float((mp.mpf(low) + mp.mpf(high)) / 2)
    s_low, s_high = mp.mpf(low) - mid, mp.mpf(high) - mid
    rounded = [to_float(c) for c in reversed(mp.chebyfit(lambda s: derivative(mid + s), [s_low, s_high], degree + 1))]
    worst = 0
    for i in range(4001):
        x = to_float(mp.mpf(low) + (mp.mpf(high) - mp.mpf(low)) * i / 4000)
        s = to_float(x - mid)
        acc = mp.mpf(rounded[-1])
        for c in reversed(rounded[:-1]):
            acc = mp.mpf(to_float(acc * s + c))
        exact = derivative(mp.mpf(x))
        worst = max(worst, abs(acc - exact) / mp.mpf(2) ** (mp.floor(mp.log(abs(exact), 2)) - 23))
    print(f"// mish' on [{low}, {high}] = Q(x - {mid!r}), degree {degree}: float evaluation {mp.nstr(worst, 3)} ULP")
    print(f"constexpr float kMishMiddleCenter = {mid!r}f;")
    print("constexpr float kMishMiddle[] = {" + ", ".join(f"{c!r}f" for c in rounded) + "};")


def main():
    if sys.argv[1:2] == ["direct"]:
        direct(float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
        return
    low, high, degree = -1.75, 0.875, 14
    if len(sys.argv) == 4:
        low, high, degree = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    root = mp.findroot(derivative, mp.mpf("-1.1924"))
    parts = []
    rest = root
    for _ in range(3):
        parts.append(to_float(rest))
        rest -= mp.mpf(parts[-1])
    slope = mp.diff(derivative, root)

    def p(t):
        return slope if abs(t) < mp.mpf("1e-40") else derivative(root + t) / t

    t_low, t_high = mp.mpf(low) - root, mp.mpf(high) - root
    coefficients = mp.chebyfit(p, [t_low, t_high], degree + 1)
    rounded = [to_float(c) for c in reversed(coefficients)]  # c0 first
    worst, worst_float = 0, 0
    for i in range(4001):
        t = to_float(t_low + (t_high - t_low) * i / 4000)
        exact = p(t)
        approx = mp.polyval(list(reversed([mp.mpf(c) for c in rounded])), t)
        worst = max(worst, abs(approx / exact - 1))
        acc = mp.mpf(rounded[-1])
        for c in reversed(rounded[:-1]):
            acc = mp.mpf(to_float(acc * t + c))
        result = to_float(acc * t)
        ulp = mp.mpf(2) ** (mp.floor(mp.log(abs(exact * t), 2)) - 23)
        worst_float = max(worst_float, abs(result - exact * t) / ulp)
    print(f"// root {mp.nstr(root, 25)}; window x in [{low}, {high}], degree {degree}")
    print(f"// relative error of the rounded P: {mp.nstr(worst / mp.mpf(2)**-24, 3)} ULP;"
          f" float evaluation of t P(t): {mp.nstr(worst_float, 3)} ULP")
    print("constexpr float kMishRoot[3] = {" + ", ".join(f"{float(c)!r}f" for c in parts) + "};")
    print("constexpr float kMishSlope[] = {" + ", ".join(f"{c!r}f" for c in rounded) + "};")


if __name__ == "__main__":
    main()
