#!/usr/bin/env python3
"""Coefficients of the double erfc in compute/simd/erfc-inl.h (mpmath).

1. kErfSmall: erf(z) = z (c0 + u Q(u)), u = z^2, |z| <= 1/2; c0 = 2/sqrt(pi)
   split in two doubles (hi + lo), Q fitted.
2. kScaledErfcNear, kScaledErfcFar: e^(z^2) erfc(z) = G(w) / (z + 4) with
   w = s - center, s = (z - 4) / (z + 4), one G on z in [1/2, 5/2] and one
   on [5/2, 27.5] (erfc(z) rounds to 0 beyond 27.3), each about the middle
   of its s-range (to 2^-10). Over the whole range a single G in s would need |w| up
   to 1.5 and lose up to 3 ULP to Horner's rule and to w's rounding; two
   halves keep |w| within 0.5 for the same cost (the kernel picks each
   coefficient per lane).
Fits and their printed errors as in fit/float64.py (relative, coefficients
rounded to double, evaluated exactly).

Usage: python3 compute/simd/fit/erfc.py
Prints the C++ constants pasted into erfc-inl.h ("fit/erfc.py output").
"""
import mpmath as mp

from float_fit import fit_rounding_each

mp.mp.prec = 256

SMALL = mp.mpf(1) / 2
SHIFT = 4
LARGEST = mp.mpf("27.5")
SPLIT = mp.mpf(5) / 2


def fit(name, g, a, b, degree):
    fixed, worst = fit_rounding_each(g, a, b, degree, float, samples=400, checks=2000)
    print("// %s: degree %d on [%s, %s], relative error %s (double coefficients)"
          % (name, degree, mp.nstr(a, 6), mp.nstr(b, 6), mp.nstr(worst, 3)))
    print("constexpr double %s[%d] = {%s};" % (name, degree + 1, ", ".join(repr(float(c)) for c in fixed)))


def main():
    c0 = 2 / mp.sqrt(mp.pi)
    c0_hi = float(c0)
    print("constexpr double kTwoOverSqrtPiHi = %r, kTwoOverSqrtPiLo = %r;" % (c0_hi, float(c0 - c0_hi)))

    def small(u):
        if u == 0:
            return -c0 / 3
        z = mp.sqrt(u)
        return (mp.erf(z) / z - c0) / u
    fit("kErfSmall", small, mp.mpf(0), SMALL * SMALL, 8)

    for name, low, high in (("Near", SMALL, SPLIT), ("Far", SPLIT, LARGEST)):
        s_low, s_high = (low - SHIFT) / (low + SHIFT), (high - SHIFT) / (high + SHIFT)
        center = round((s_low + s_high) / 2 * 1024) / 1024  # 1 - center exact in the kernel
        print("constexpr double k%sCenter = %r;" % (name, center))

        def scaled(w, center=center):
            s = w + center
            z = SHIFT * (1 + s) / (1 - s)
            return (z + SHIFT) * mp.exp(z * z) * mp.erfc(z)
        fit("kScaledErfc" + name, scaled, s_low - center, s_high - center, 17)


if __name__ == "__main__":
    main()
