"""Shared by the fitting scripts: Chebyshev fits whose coefficients are
rounded to float (or double), and the relative error that rounding leaves."""
import struct

import mpmath as mp


def to_float(v):
    return struct.unpack("f", struct.pack("f", float(v)))[0]


def horner(coefficients, x):
    """Evaluates a polynomial given constant term first, in mpmath precision."""
    value = mp.mpf(0)
    for c in reversed(coefficients):
        value = value * x + c
    return value


def fit_float_polynomial(f, low, high, degree, relative_error, steps=20000):
    """Fits f on [low, high] with `degree`, rounds each coefficient to float
    (constant term first) and returns them with the largest
    relative_error(coefficients, x) over `steps` + 1 evenly spaced points."""
    coefficients, _ = mp.chebyfit(f, [low, high], degree + 1, error=True)
    rounded = [to_float(c) for c in reversed(coefficients)]
    worst = max(relative_error(rounded, low + (high - low) * i / steps) for i in range(steps + 1))
    return rounded, worst


def fit_rounding_each(g, a, b, degree, rounding, samples=400, checks=2000):
    """Relative least squares for g on Chebyshev nodes of [a, b], coefficients
    rounded with `rounding` (to_float, float) one at a time from the constant
    term up, the higher ones refitted after each rounding (so the rounding of
    the low terms is absorbed). Returns the coefficients, constant term first,
    and the largest relative error on `checks` evenly spaced points."""
    nodes = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (i + mp.mpf(0.5)) / samples) for i in range(samples)]
    values = [g(u) for u in nodes]
    fixed = []
    for k in range(degree + 1):
        free = degree + 1 - k
        A = mp.matrix(samples, free)
        rhs = mp.matrix(samples, 1)
        for i, (u, v) in enumerate(zip(nodes, values)):
            known = sum(c * u ** j for j, c in enumerate(fixed))
            rhs[i] = (v - known) / v
            for j in range(free):
                A[i, j] = u ** (k + j) / v
        solution, _ = mp.qr_solve(A, rhs)
        fixed.append(mp.mpf(rounding(solution[0])))
    worst = max(abs(mp.polyval(fixed[::-1], u) / g(u) - 1) for u in mp.linspace(a, b, checks))
    return fixed, worst
