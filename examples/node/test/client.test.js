'use strict';
// Checks the Node client against a running server ($ACTIVATION_TARGET): values
// against double-precision formulas written here, raw vs values on every
// catalogue entry, and the example script runs.
//
//   ACTIVATION_TARGET=127.0.0.1:PORT node --test test/

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ActivationClient, toValuesTensor, sampleParams, grpc } = require('../client');

const TARGET = process.env.ACTIVATION_TARGET || '127.0.0.1:50051';
const MAX_ULP = 4; // the service's accuracy bound where the true result is a normal float

/** Distance in float32 steps between two float32 values (+0 and -0 are the same point). */
function ulpDistance(a, b) {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const ordered = (i) => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(ordered(bits[0]) - ordered(bits[1]));
}

const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const sech2 = (x) => (Math.abs(x) > 400 ? 0 : 1 / Math.cosh(x) ** 2);
// Independent references in double precision: [f, f'] per classic activation.
const REFERENCES = {
  sigmoid: [sigmoid, (x) => Math.exp(-Math.abs(x)) / (1 + Math.exp(-Math.abs(x))) ** 2],
  tanh: [Math.tanh, sech2],
  relu: [(x) => Math.max(x, 0), (x) => (x > 0 ? 1 : 0)],
  leaky_relu: [(x) => (x > 0 ? x : 0.1 * x), (x) => (x > 0 ? 1 : 0.1)],
  step: [(x) => (x > 0.5 ? 1 : 0), () => 0],
};
const PARAMS = { leaky_relu: { negative_slope: 0.1 }, step: { threshold: 0.5 } };

const INPUTS = Float32Array.from([
  ...Array.from({ length: 4001 }, (_, i) => -20 + i / 100),
  0, -0, 0.5, 1e-30, -1e-30, 1e30, -1e30, Infinity, -Infinity,
]);

function assertClose(got, want, what) {
  assert.ok(got instanceof Float32Array, `${what}: a Float32Array`);
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  got.forEach((g, i) => { worst = Math.max(worst, ulpDistance(g, want[i])); });
  assert.ok(worst <= MAX_ULP, `${what}: ${worst} ulp from the double reference`);
}

/** The exponent e of 2^e <= |x| < 2^(e+1) (Math.log2 alone may be off by one near powers of two). */
function exponentOf(x) {
  let e = Math.floor(Math.log2(Math.abs(x)));
  if (2 ** e > Math.abs(x)) e -= 1;
  if (2 ** (e + 1) <= Math.abs(x)) e += 1;
  return e;
}

/** x rounded to `bits` significant bits, to nearest, ties to even (normal range): float16 11, bfloat16 8. */
function roundToBits(x, bits) {
  if (x === 0 || !Number.isFinite(x)) return x;
  const scale = 2 ** (exponentOf(x) - bits + 1);
  const q = Math.abs(x) / scale; // exact: a power-of-two scaling
  const floor = Math.floor(q);
  const d = q - floor;
  const rounded = d > 0.5 || (d === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return Math.sign(x) * rounded * scale;
}

// float16 and bfloat16 bit patterns of values they hold exactly (normal or zero), and back.
const float16Bits = (v) =>
  v === 0 ? 0 : (v < 0 ? 0x8000 : 0) | ((exponentOf(v) + 15) << 10) | ((Math.abs(v) / 2 ** exponentOf(v) - 1) * 1024);
function float16Value(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (exponent ? 1 + fraction / 1024 : fraction / 1024) * 2 ** (exponent ? exponent - 15 : -14);
}
const bfloat16Bits = (v) => new Uint32Array(Float32Array.of(v).buffer)[0] >>> 16;
const bfloat16Value = (bits) => new Float32Array(Uint32Array.of(bits << 16).buffer)[0];

const client = new ActivationClient(TARGET);
test.after(() => client.close());

test('health is SERVING', async () => {
  assert.equal(await client.health(), 'SERVING');
  assert.equal(await client.health(''), 'SERVING');
});

test('catalogue lists the classics', async () => {
  const names = new Set((await client.catalogue()).map((a) => a.name));
  for (const name of Object.keys(REFERENCES)) assert.ok(names.has(name), name);
});

test('evaluate matches the double reference', async () => {
  for (const [name, [f]] of Object.entries(REFERENCES)) {
    const got = await client.evaluate(name, INPUTS, { params: PARAMS[name] });
    assertClose(got, Array.from(INPUTS, f), `${name}(x)`);
  }
});

test('gradient with gradOutput is the vector-Jacobian product', async () => {
  const g = INPUTS.map((_, i) => Math.cos(i) * 2);
  for (const [name, [f, df]] of Object.entries(REFERENCES)) {
    const { gradInput, output } = await client.gradient(name, INPUTS, {
      gradOutput: g, params: PARAMS[name], includeOutput: true,
    });
    assertClose(output, Array.from(INPUTS, f), `${name}(x) with includeOutput`);
    assertClose(gradInput, Array.from(INPUTS, (x, i) => g[i] * df(x)), `g * ${name}'(x)`);
  }
});

test('tails keep their digits', async () => {
  // Where textbook formulas lose every digit: sigmoid(-20), tanh'(9).
  assertClose(await client.evaluate('sigmoid', Float32Array.of(-20)), [2.0611536181902033e-9], 'sigmoid(-20)');
  const { gradInput } = await client.gradient('tanh', Float32Array.of(9));
  assertClose(gradInput, [6.09199171232323e-8], "tanh'(9)");
});

test('float16, bfloat16 and float64 travel in their dtype', async () => {
  const xs = Array.from({ length: 257 }, (_, i) => -8 + i / 16); // multiples of 1/16: exact in every dtype
  // float16 and bfloat16 answers are correctly rounded: the double reference rounded once.
  const want = xs.map(sigmoid);
  const y16 = await client.evaluate('sigmoid', Uint16Array.from(xs, float16Bits), { dtype: 'float16' });
  assert.ok(y16 instanceof Uint16Array);
  assert.deepEqual(Array.from(y16, float16Value), want.map((w) => roundToBits(w, 11)));
  const ybf = await client.evaluate('sigmoid', Uint16Array.from(xs, bfloat16Bits), { dtype: 'bfloat16' });
  assert.deepEqual(Array.from(ybf, bfloat16Value), want.map((w) => roundToBits(w, 8)));
  // float64: functions whose exact value one double operation gives (0.1 * x rounds once).
  const y64 = await client.evaluate('leaky_relu', Float64Array.from(xs), { params: { negative_slope: 0.1 } });
  assert.ok(y64 instanceof Float64Array);
  assert.deepEqual(Array.from(y64), xs.map((x) => (x > 0 ? x : 0.1 * x)));
});

test('raw and values agree bit for bit on every activation', async () => {
  const x = Float32Array.from({ length: 97 }, (_, i) => -6 + i / 8);
  for (const info of await client.catalogue()) {
    const options = { params: sampleParams(info), shape: info.rowwise ? [1, x.length] : [] };
    const raw = await client.evaluate(info.name, x, options);
    const values = await client.evaluate(info.name, x, { ...options, encode: toValuesTensor });
    assert.deepEqual(new Uint32Array(raw.slice().buffer), new Uint32Array(values.buffer), info.name);
  }
});

test('unknown activation is INVALID_ARGUMENT and the server keeps serving', async () => {
  await assert.rejects(client.evaluate('no_such_activation', new Float32Array(3)), (err) => {
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /no_such_activation/);
    return true;
  });
  assert.equal(await client.health(), 'SERVING');
});

test('the example script runs', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'example.js'), '--target', TARGET,
    '--bench-floats', '100000', '--bench-repeats', '2'], { encoding: 'utf8', timeout: 120000 });
  assert.match(out, /health: SERVING/);
  assert.match(out, /rejected as expected: INVALID_ARGUMENT/);
  assert.match(out, /benchmark sigmoid, 100000 floats.*raw .* ms.*values .* ms/);
});
