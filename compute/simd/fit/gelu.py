#!/usr/bin/python3
"""Coefficients of the float gelu kernels in compute/simd/gelu.cc (mpmath 1.2.1).

Run: /usr/bin/python3 compute/simd/fit/gelu.py
Prints the C++ constants pasted into gelu.cc ("fit/gelu.py output") and, for
each polynomial, its relative error after rounding the coefficients to float
(evaluated exactly, so the kernel's own rounding comes on top).

1. kMillsPoly: Phi(-t) e^(t^2/2) = G(s) / (t + 4), s = (t - 4) / (t + 4),
   t in [0, 14] (s in [-1, 5/9]; the kernel uses t <= 13); G is a smooth function of s between 2 and
   0.5, so a degree-10 polynomial reaches ~1e-8.
2. kMillsSlopeFactor: gelu'(x) (erf form) is e^(-t^2/2) H(t) below 0 and
   1 - e^(-t^2/2) H(t) above, t = |x|, H(t) = Mills(t) - t / sqrt(2 pi),
   whose root t_r (kMillsSlopeRoot, split in two floats) is where the slope
   crosses 0. H = (t_r - t) J(s), s as in 1., with J a smooth function of s
   between 0.4 and 0.67: so H keeps its relative accuracy through the root
   with no window and no second polynomial. (The tanh form's derivative runs
   in double lanes, which carry it through its root.)
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


def split(name, v):
    hi = to_float(v)
    lo = to_float(v - mp.mpf(hi))
    print("constexpr float %sHi = %.9ef, %sLo = %.9ef;  // %s" % (name, hi, name, lo, mp.nstr(v, 20)))


def mills_slope(t):
    return mills(t) - t / mp.sqrt(2 * mp.pi)


slope_root = mp.findroot(mills_slope, 0.75)
split("kMillsSlopeRoot", slope_root)


def slope_factor(s):  # J(s) = H(t) / (t_r - t)
    t = K * (1 + s) / (1 - s)
    if abs(t - slope_root) < mp.mpf(10) ** -20:
        return -mp.diff(mills_slope, slope_root)
    return mills_slope(t) / (slope_root - t)


fit("kMillsSlopeFactor", slope_factor, mp.mpf(-1), mp.mpf(T - K) / (T + K), 8)

print("constexpr float kGeluTanhC1Hi = %.9ef, kGeluTanhC1Lo = %.9ef;" % (to_float(C1), to_float(C1 - mp.mpf(to_float(C1)))))
print("constexpr float kGeluTanhC3Hi = %.9ef, kGeluTanhC3Lo = %.9ef;" % (to_float(C3), to_float(C3 - mp.mpf(to_float(C3)))))
