#!/usr/bin/python3
"""Coefficients of the float gelu kernels in compute/simd/gelu.cc (mpmath 1.2.1).

Run: /usr/bin/python3 compute/simd/fit/gelu.py
Prints the C++ constants pasted into gelu.cc ("fit/gelu.py output") and, for
each polynomial, its relative error after rounding the coefficients to float
(evaluated exactly, so the kernel's own rounding comes on top).

1. kMillsPoly: Phi(-t) e^(t^2/2) = G(s) / (t + 4), s = (t - 4) / (t + 4),
   t in [0, 14] (s in [-1, 5/9]; the kernel uses t <= 13); G is a smooth function of s between 2 and
   0.5, so a degree-10 polynomial reaches ~1e-8.
2. kErfSlopeWindow: gelu'(x) = (x - r) P(x - r) on x in [-1.5, -0.25], r
   the root of gelu' (erf form), where the general formula cancels. r is
   split in two floats (hi + lo). (The tanh form's derivative runs in double
   lanes, which carry it through its root without a window.)
"""

import mpmath as mp

from float_fit import fit_rounding_each, to_float

mp.mp.dps = 40


def fit(name, g, a, b, degree):
    fixed, worst = fit_rounding_each(g, a, b, degree, to_float)
    body = ", ".join("%.9ef" % c for c in fixed)  # lowest power first
    print("// %s: degree %d on [%s, %s], relative error %s (float coefficients)"
          % (name, degree, mp.nstr(a, 6), mp.nstr(b, 6), mp.nstr(worst, 3)))
    print("constexpr float %s[%d] = {%s};" % (name, degree + 1, body))


def mills(t):
    return mp.ncdf(-t) * mp.exp(t * t / 2)


K = 4
T = 14
fit("kMillsPoly", lambda s: (K * (1 + s) / (1 - s) + K) * mills(K * (1 + s) / (1 - s)),
    mp.mpf(-1), mp.mpf(T - K) / (T + K), 10)

C1 = 2 * mp.sqrt(2 / mp.pi)  # 2u = C1 x + C3 x^3
C3 = C1 * mp.mpf("0.044715")


def erf_slope(x):
    return mp.ncdf(x) + x * mp.npdf(x)


def split(name, v):
    hi = to_float(v)
    lo = to_float(v - mp.mpf(hi))
    print("constexpr float %sHi = %.9ef, %sLo = %.9ef;  // %s" % (name, hi, name, lo, mp.nstr(v, 20)))


root = mp.findroot(erf_slope, -0.75)
split("kErfSlopeRoot", root)
fit("kErfSlopeWindow", lambda u: erf_slope(root + u) / u if abs(u) > 1e-25 else mp.diff(erf_slope, root),
    mp.mpf(-1.5) - root, mp.mpf(-0.25) - root, 10)

print("constexpr float kGeluTanhC1Hi = %.9ef, kGeluTanhC1Lo = %.9ef;" % (to_float(C1), to_float(C1 - mp.mpf(to_float(C1)))))
print("constexpr float kGeluTanhC3Hi = %.9ef, kGeluTanhC3Lo = %.9ef;" % (to_float(C3), to_float(C3 - mp.mpf(to_float(C3)))))
print("constexpr float kInvSqrt2PiF = %.9ef;" % to_float(1 / mp.sqrt(2 * mp.pi)))
