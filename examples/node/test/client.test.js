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
