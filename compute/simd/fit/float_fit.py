"""Shared by the fitting scripts: Chebyshev fits whose coefficients are
rounded to float, and the relative error that rounding leaves."""
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
