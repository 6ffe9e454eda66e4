'use strict';
// A tour of the service from Node: health, catalogue, evaluate and gradient
// over Float32Arrays, a handled error, and a 1M-float benchmark (raw vs values).
//
//   cd examples/node && npm ci && node example.js --target 127.0.0.1:50051

const { parseArgs } = require('node:util');
const { ActivationClient, toTensor, toValuesTensor, grpc } = require('./client');

/** float32 values printed with 9 significant digits, so they round-trip. */
const show = (array) => Array.from(array, (v) => Number(v.toPrecision(9))).join(' ');

async function medianMs(call, repeats) {
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(repeats / 2)];
}

async function benchmark(client, n, repeats) {
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
  const rawMs = await medianMs(() => client.evaluate('sigmoid', x, { encode: toTensor }), repeats);
  const valuesMs = await medianMs(() => client.evaluate('sigmoid', x, { encode: toValuesTensor }), repeats);
  const mb = (n * 4) / 1e6;
  console.log(
    `benchmark sigmoid, ${n} floats, median of ${repeats}: ` +
      `raw ${rawMs.toFixed(1)} ms (${((mb / rawMs) * 1e3).toFixed(0)} MB/s) | ` +
      `values ${valuesMs.toFixed(1)} ms (${((mb / valuesMs) * 1e3).toFixed(0)} MB/s) | ` +
      `raw is ${(valuesMs / rawMs).toFixed(1)}x faster`,
  );
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      target: { type: 'string', default: process.env.ACTIVATION_TARGET || '127.0.0.1:50051' },
      'bench-floats': { type: 'string', default: '1000000' },
      'bench-repeats': { type: 'string', default: '5' },
    },
  });
  const client = new ActivationClient(args.target);
  try {
    console.log('health:', await client.health());
    console.log('catalogue:', (await client.catalogue()).map((a) => a.name).join(', '));

    const x = Float32Array.of(-2, -0.5, 0, 0.5, 2, 20);
    console.log('sigmoid(x) =', show(await client.evaluate('sigmoid', x)));
    console.log('leaky_relu(x; negative_slope=0.1) =',
      show(await client.evaluate('leaky_relu', x, { params: { negative_slope: 0.1 } })));

    // float64 travels as a Float64Array; bfloat16 and float16 as Uint16Arrays of bit patterns.
    console.log('sigmoid(x) in float64 =', (await client.evaluate('sigmoid', Float64Array.from(x))).join(' '));
    const bf16 = Uint16Array.from(new Uint32Array(x.buffer), (b) => b >>> 16); // x's values are exact in bfloat16
    const yBits = await client.evaluate('sigmoid', bf16, { dtype: 'bfloat16' });
    console.log('sigmoid(x) in bfloat16 =', show(new Float32Array(Uint32Array.from(yBits, (b) => b << 16).buffer)));

    const gradOutput = new Float32Array(x.length).fill(0.5); // the upstream gradient of a backward pass
    const { gradInput, output } = await client.gradient('tanh', x, { gradOutput, includeOutput: true });
    console.log('tanh(x) =', show(output));
    console.log("0.5 * tanh'(x) =", show(gradInput));

    try {
      await client.evaluate('no_such_activation', x);
    } catch (err) {
      if (err.code !== grpc.status.INVALID_ARGUMENT) throw err;
      console.log(`rejected as expected: INVALID_ARGUMENT: ${err.details}`);
    }

    await benchmark(client, Number(args['bench-floats']), Number(args['bench-repeats']));
  } finally {
    client.close();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
