'use strict';
// A small Node client for activation.v1.ActivationService. Typed arrays travel
// as Tensor.raw: the request wraps the array's own memory (no copy, no JS
// arrays), the response is viewed in place when aligned. Float32Array is
// float32 and Float64Array float64; float16 and bfloat16, which JavaScript
// lacks, travel as Uint16Arrays of their bit patterns with `dtype` saying which.

const os = require('node:os');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const health = require('grpc-health-check');

const PROTO_ROOT = path.join(__dirname, '..', '..', 'proto');
const SERVICE_NAME = 'activation.v1.ActivationService';
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024; // the server's default limit

// Tensor.raw is little-endian float32; a Float32Array uses the host's order.
if (os.endianness() !== 'LE') throw new Error('this example assumes a little-endian host');

const definition = protoLoader.loadSync('activation/v1/activation.proto', {
  includeDirs: [PROTO_ROOT],
  longs: Number, // shape entries
  enums: String,
  defaults: true,
});
const { ActivationService } = grpc.loadPackageDefinition(definition).activation.v1;
const HealthClient = grpc.makeGenericClientConstructor(health.service, 'Health');

// The typed array of each Tensor.dtype.
const ARRAY_OF_DTYPE = {
  DATA_TYPE_UNSPECIFIED: Float32Array,
  DATA_TYPE_FLOAT32: Float32Array,
  DATA_TYPE_FLOAT16: Uint16Array,
  DATA_TYPE_BFLOAT16: Uint16Array,
  DATA_TYPE_FLOAT64: Float64Array,
};

/** The Tensor.dtype of `array`: a Uint16Array needs dtype 'float16' or 'bfloat16'. */
function tensorDtype(array, dtype) {
  if (array instanceof Float64Array) return 'DATA_TYPE_FLOAT64';
  if (!(array instanceof Uint16Array)) return 'DATA_TYPE_FLOAT32';
  if (dtype === 'float16' || dtype === 'bfloat16') return `DATA_TYPE_${dtype.toUpperCase()}`;
  throw new Error("a Uint16Array holds float16 or bfloat16 bits: pass dtype 'float16' or 'bfloat16'");
}

/** A Tensor carrying `array` as raw bytes in its dtype, sharing its memory. */
function toTensor(array, shape = [], dtype = undefined) {
  return {
    shape,
    dtype: tensorDtype(array, dtype),
    raw: Buffer.from(array.buffer, array.byteOffset, array.byteLength),
  };
}

/** The same Tensor through the packed `values` field (the slow path, for comparison). */
function toValuesTensor(array, shape = []) {
  return { shape, values: Array.from(array) };
}

/** The Tensor's data as a typed array of its dtype (its `shape` is on the tensor). */
function fromTensor(tensor) {
  const raw = tensor.raw;
  const Type = ARRAY_OF_DTYPE[tensor.dtype] || Float32Array;
  if (raw.length === 0) {
    if (Type === Uint16Array) throw new Error('float16/bfloat16 answers are read from raw only here');
    return Type.from(Type === Float64Array ? tensor.doubleValues : tensor.values);
  }
  const size = Type.BYTES_PER_ELEMENT;
  if (raw.byteOffset % size === 0) return new Type(raw.buffer, raw.byteOffset, raw.length / size);
  return new Type(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

class ActivationClient {
  constructor(target = '127.0.0.1:50051', { deadlineMs = 30000 } = {}) {
    const options = {
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    };
    const credentials = grpc.credentials.createInsecure();
    this.stub = new ActivationService(target, credentials, options);
    this.healthStub = new HealthClient(target, credentials, options);
    this.deadlineMs = deadlineMs;
  }

  close() {
    this.stub.close();
    this.healthStub.close();
  }

  // One promise per unary call; a rejected call rejects with the gRPC error
  // (err.code is a grpc.status value, err.details the server's message).
  call(stub, method, request) {
    const deadline = new Date(Date.now() + this.deadlineMs);
    return new Promise((resolve, reject) => {
      stub[method](request, { deadline }, (err, response) => (err ? reject(err) : resolve(response)));
    });
  }

  /** f(x) as a typed array of x's dtype (`dtype`: 'float16' or 'bfloat16' for a Uint16Array). */
  async evaluate(activation, x, { params = {}, shape = [], dtype, encode = toTensor } = {}) {
    const response = await this.call(this.stub, 'Evaluate', { activation, params, input: encode(x, shape, dtype) });
    return fromTensor(response.output);
  }

  /** f'(x), or gradOutput * f'(x) when gradOutput is given; `output` is f(x) when includeOutput. */
  async gradient(activation, x, { gradOutput, params = {}, shape = [], includeOutput = false } = {}) {
    const request = { activation, params, input: toTensor(x, shape), includeOutput };
    if (gradOutput) request.gradOutput = toTensor(gradOutput, shape);
    const response = await this.call(this.stub, 'Gradient', request);
    return {
      gradInput: fromTensor(response.gradInput),
      output: includeOutput ? fromTensor(response.output) : undefined,
    };
  }

  /** Every activation the server offers. */
  async catalogue() {
    return (await this.call(this.stub, 'ListActivations', {})).activations;
  }

  /** The standard health status name, e.g. "SERVING". */
  async health(service = SERVICE_NAME) {
    return (await this.call(this.healthStub, 'Check', { service })).status;
  }
}

/** Parameters that make any catalogue entry callable: its defaults, plus a
 * valid value for each required parameter (1 when allowed). */
function sampleParams(info) {
  const inRange = (v, p) =>
    (v > p.min || (p.minInclusive && v === p.min)) && (v < p.max || (p.maxInclusive && v === p.max));
  const params = {};
  for (const p of info.parameters.filter((q) => q.required)) {
    const finite = [p.min, p.max].filter(Number.isFinite);
    const mid = finite.length ? finite.reduce((a, b) => a + b) / finite.length : 0;
    params[p.name] = [1, 0.5, 2, mid, mid + 0.5, mid - 0.5].find((v) => inRange(v, p));
  }
  return params;
}

module.exports = { ActivationClient, toTensor, toValuesTensor, fromTensor, sampleParams, grpc };
