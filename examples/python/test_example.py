#!/usr/bin/python3
"""Checks the Python client against a running server ($ACTIVATION_TARGET):
values against double-precision formulas written here, the raw and values
encodings against each other for every catalogue entry, and the scripts run.

    ACTIVATION_TARGET=127.0.0.1:PORT /usr/bin/python3 -m unittest -v test_example
"""
import os
import subprocess
import sys
import tempfile
import unittest

import grpc
import mpmath
import numpy as np

from activation_client import ActivationClient, sample_params, to_values_tensor

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.environ.get("ACTIVATION_TARGET", "127.0.0.1:50051")
CLI = os.environ.get("ACTIVATION_CLIENT")  # activation-client, for its --local compute library
MAX_ULP = 4  # the service's accuracy bound where the true result is a normal float


def ulp_distance(a, b):
    """Elementwise distance in float32 steps (+0 and -0 are the same point)."""
    def ordered(v):
        bits = np.asarray(v, dtype=np.float32).view(np.uint32).astype(np.int64)
        return np.where(bits & 0x80000000, -(bits & 0x7FFFFFFF), bits)
    return np.abs(ordered(a) - ordered(b))


def bfloat16_bits(values):
    """float64 values rounded to bfloat16 (to nearest, ties to even; normal range), as uint16 bits."""
    m, e = np.frexp(np.asarray(values, dtype=np.float64))
    rounded = np.ldexp(np.round(np.ldexp(m, 8)), e - 8)  # 8 significant bits; np.round ties to even
    return (rounded.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)


def bfloat16_values(bits):
    """bfloat16 bit patterns (uint16) widened exactly to float64."""
    return (np.asarray(bits, dtype=np.uint32) << 16).view(np.float32).astype(np.float64)


def rounded_once(exact, bits):
    """An mpmath value rounded once to `bits` significant bits (to nearest, ties
    to even; normal range), as a float."""
    with mpmath.workprec(bits):
        return float(+exact)


def exact_sigmoid(x):
    """sigmoid(x) for a float x, in 200 bits."""
    with mpmath.workprec(200):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(float(x))))


def stable_sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


# Independent references in double precision: (f, f') for each classic activation.
REFERENCES = {
    "sigmoid": (stable_sigmoid, lambda x: np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))) ** 2),
    "tanh": (np.tanh, lambda x: 4 * np.exp(-2 * np.abs(x)) / (1 + np.exp(-2 * np.abs(x))) ** 2),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(np.float64)),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.1 * x), lambda x: np.where(x > 0, 1.0, 0.1)),
    "step": (lambda x: (x > 0.5).astype(np.float64), lambda x: np.zeros_like(x)),
}
PARAMS = {"leaky_relu": {"negative_slope": 0.1}, "step": {"threshold": 0.5}}

INPUTS = np.concatenate([
    np.linspace(-20, 20, 4001),
    [0.0, -0.0, 0.5, 1e-30, -1e-30, 1e30, -1e30, np.inf, -np.inf],
]).astype(np.float32)


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = ActivationClient(TARGET)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def assert_close(self, got, want, what):
        self.assertEqual(got.dtype, np.float32, what)
        worst = int(ulp_distance(got, np.float32(want)).max())
        self.assertLessEqual(worst, MAX_ULP, f"{what}: {worst} ulp from the double reference")

    def test_health_is_serving(self):
        self.assertEqual(self.client.health(), "SERVING")
        self.assertEqual(self.client.health(""), "SERVING")

    def test_catalogue_lists_the_classics(self):
        names = {info.name for info in self.client.catalogue()}
        self.assertLessEqual(set(REFERENCES), names)

    def test_evaluate_matches_double_reference(self):
        for name, (f, _) in REFERENCES.items():
            got = self.client.evaluate(name, INPUTS, params=PARAMS.get(name))
            self.assert_close(got, f(INPUTS.astype(np.float64)), f"{name}(x)")

    def test_gradient_with_grad_output_is_the_vjp(self):
        g = np.random.default_rng(7).uniform(-2, 2, INPUTS.size).astype(np.float32)
        for name, (f, df) in REFERENCES.items():
            grad, y = self.client.gradient(name, INPUTS, grad_output=g, params=PARAMS.get(name),
                                           include_output=True)
            x64 = INPUTS.astype(np.float64)
            self.assert_close(y, f(x64), f"{name}(x) with include_output")
            self.assert_close(grad, g.astype(np.float64) * df(x64), f"g * {name}'(x)")

    def test_shape_round_trips_and_tails_keep_their_digits(self):
        x = np.array([[0.0, 1.0], [-20.0, 9.0]], dtype=np.float32)
        y = self.client.evaluate("sigmoid", x)
        self.assertEqual(y.shape, (2, 2))
        # The tails where textbook formulas lose every digit: sigmoid(-20), tanh'(9).
        self.assert_close(y[1, 0], 2.0611536181902033e-09, "sigmoid(-20)")
        self.assert_close(self.client.gradient("tanh", x)[1, 1], 6.09199171232323e-08, "tanh'(9)")

    def test_float16_bfloat16_and_float64_travel_in_their_dtype(self):
        x = np.linspace(-8, 8, 257)  # multiples of 1/16: exact in every dtype
        # float16 and bfloat16 answers are correctly rounded: the double reference rounded once.
        want = stable_sigmoid(x)
        y16 = self.client.evaluate("sigmoid", x.astype(np.float16))
        self.assertEqual(y16.dtype, np.float16)
        np.testing.assert_array_equal(y16, want.astype(np.float16))
        ybf = self.client.evaluate("sigmoid", bfloat16_bits(x))
        self.assertEqual(ybf.dtype, np.uint16)
        np.testing.assert_array_equal(ybf, bfloat16_bits(want))
        # float64: within 4 ULP of the exact value (mpmath, 200 bits).
        y64 = self.client.evaluate("sigmoid", x)
        self.assertEqual(y64.dtype, np.float64)
        mpmath.mp.prec = 200
        for xi, yi in zip(x, y64):
            exact = 1 / (1 + mpmath.exp(-mpmath.mpf(float(xi))))
            ulps = abs(mpmath.mpf(float(yi)) - exact) / np.spacing(float(exact))
            self.assertLessEqual(ulps, MAX_ULP, f"sigmoid({xi}) in float64")
        # grad_output must have the input's dtype: the error names both.
        with self.assertRaises(grpc.RpcError) as caught:
            self.client.gradient("sigmoid", x.astype(np.float16), grad_output=x.astype(np.float32))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("float16", caught.exception.details())
        self.assertIn("float32", caught.exception.details())

    def test_raw_and_values_agree_bit_for_bit_on_every_activation(self):
        x = np.linspace(-6, 6, 97, dtype=np.float32)
        for info in self.client.catalogue():
            params = sample_params(info)
            shaped = x.reshape(1, -1) if info.rowwise else x
            raw = self.client.evaluate(info.name, shaped, params=params)
            values = self.client.evaluate(info.name, shaped, params=params, encode=to_values_tensor)
            np.testing.assert_array_equal(raw.view(np.uint32), values.view(np.uint32),
                                          err_msg=info.name)

    @unittest.skipUnless(CLI, "set ACTIVATION_CLIENT to the activation-client binary")
    def test_every_activation_matches_the_compute_library_bit_for_bit(self):
        """What Python receives is exactly what the compute library computes in
        process (activation-client --local), for f and for the VJP."""
        x = np.concatenate([np.linspace(-25, 25, 997), [0, -0.0, 1e-30, -1e-30, 1e30, -1e30, 100,
                                                          -100, np.inf, -np.inf, np.nan]])
        x = x.astype(np.float32).reshape(-1, 16)  # 2-D: rows for softmax and log_softmax
        g = np.random.default_rng(3).uniform(-2, 2, x.shape).astype(np.float32)
        with tempfile.TemporaryDirectory() as tmp:
            x_file, g_file, out = (os.path.join(tmp, n) for n in ("x.npy", "g.npy", "out.npy"))
            np.save(x_file, x)
            np.save(g_file, g)

            def local(command, name, params, *extra):
                flags = [f"--param={k}={v!r}" for k, v in params.items()]
                subprocess.run([CLI, command, "--local", "--quiet", "--activation", name, *flags,
                                "--input", x_file, "--output", out, *extra], check=True, timeout=60)
                return np.load(out)

            for info in self.client.catalogue():
                params = sample_params(info)
                got = self.client.evaluate(info.name, x, params=params)
                np.testing.assert_array_equal(got.view(np.uint32),
                                              local("eval", info.name, params).view(np.uint32),
                                              err_msg=f"{info.name}(x)")
                got = self.client.gradient(info.name, x, grad_output=g, params=params)
                want = local("grad", info.name, params, "--grad-output", g_file)
                np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32),
                                              err_msg=f"g * {info.name}'(x)")

    def test_chunked_stream_equals_one_call(self):
        x = np.random.default_rng(5).uniform(-30, 30, (300, 1000)).astype(np.float32)
        streamed = self.client.evaluate_chunked("silu", x, chunk=65536)  # 5 chunks, last one short
        self.assertEqual(streamed.shape, x.shape)
        np.testing.assert_array_equal(streamed.view(np.uint32),
                                      self.client.evaluate("silu", x).view(np.uint32))

    def test_chunked_stream_keeps_the_dtype(self):
        """evaluate_chunked sends and answers float16, bfloat16 (uint16 bits) and
        float64 in their dtype: float16 and bfloat16 answers equal the exact value
        (mpmath) rounded once, float64 ones are within 4 ULP of it."""
        x = np.random.default_rng(11).uniform(-8, 8, (50, 100))
        cases = [  # name, input, its values as float64, significant bits (None: float64)
            ("float16", x.astype(np.float16), lambda a: a.astype(np.float64), 11),
            ("bfloat16", bfloat16_bits(x), bfloat16_values, 8),
            ("float64", x, lambda a: a, None),
        ]
        for name, inputs, widen, bits in cases:
            got = self.client.evaluate_chunked("sigmoid", inputs, chunk=1536)  # 4 chunks, the last short
            self.assertEqual(got.dtype, inputs.dtype, name)
            self.assertEqual(got.shape, inputs.shape, name)
            for xi, yi in zip(widen(inputs).ravel(), widen(got).ravel()):
                exact = exact_sigmoid(xi)
                if bits is None:
                    ulps = abs(mpmath.mpf(float(yi)) - exact) / np.spacing(float(exact))
                    self.assertLessEqual(ulps, MAX_ULP, f"sigmoid({xi}) in float64")
                else:
                    self.assertEqual(yi, rounded_once(exact, bits), f"sigmoid({xi}) in {name}")

    def test_values_encoding_keeps_the_dtype(self):
        """to_values_tensor sends float16, bfloat16 and float64 in their dtype
        too: the answers equal the raw encoding's bit for bit."""
        x = np.linspace(-6, 6, 97)
        for inputs in (x.astype(np.float16), bfloat16_bits(x), x):
            raw = self.client.evaluate("gelu", inputs)
            values = self.client.evaluate("gelu", inputs, encode=to_values_tensor)
            self.assertEqual(values.dtype, inputs.dtype)
            np.testing.assert_array_equal(values.view(np.uint8), raw.view(np.uint8), err_msg=str(inputs.dtype))

    def test_nan_in_nan_out(self):
        for name in REFERENCES:
            self.assertTrue(np.isnan(self.client.evaluate(name, np.array([np.nan], np.float32))[0]))

    def test_unknown_activation_is_invalid_argument(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.client.evaluate("no_such_activation", np.zeros(3, np.float32))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("no_such_activation", caught.exception.details())
        self.assertEqual(self.client.health(), "SERVING")  # the server keeps serving

    def test_example_script_runs(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "example.py"), "--target", TARGET,
                              "--bench-floats", "100000", "--bench-repeats", "2"],
                             capture_output=True, text=True, timeout=120, check=True).stdout
        self.assertIn("health: SERVING", out)
        self.assertIn("rejected as expected: INVALID_ARGUMENT", out)
        self.assertRegex(out, r"benchmark sigmoid, 100000 floats.*raw .* ms.*values .* ms")

    def test_plot_script_draws_the_catalogue(self):
        with tempfile.TemporaryDirectory() as tmp:
            png = os.path.join(tmp, "catalogue.png")
            subprocess.run([sys.executable, os.path.join(HERE, "plot_catalogue.py"), "--target",
                            TARGET, "--out", png], capture_output=True, timeout=120, check=True)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
