"""A small Python client for activation.v1.ActivationService.

NumPy arrays travel as Tensor.raw (little-endian bytes of their dtype): one
tobytes() on the way out and a zero-copy np.frombuffer on the way back, never a
Python list. float16 and float64 arrays travel as themselves; bfloat16, which
NumPy lacks, as uint16 arrays of its bit patterns (x.view(np.uint32) >> 16 of a
float32 array whose values bfloat16 holds); anything else as float32. The stubs come from generate_stubs.sh (into ./gen, or $ACTIVATION_STUBS).
"""
import os
import sys

import grpc
import numpy as np

sys.path.insert(0, os.environ.get("ACTIVATION_STUBS",
                                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen")))
from activation.v1 import activation_pb2 as pb  # noqa: E402  (generated)
from activation.v1 import activation_pb2_grpc as pb_grpc  # noqa: E402
from health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

SERVICE_NAME = "activation.v1.ActivationService"
FLOAT32_LE = np.dtype("<f4")  # the wire format of Tensor.raw, whatever the host's byte order
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # the server's default limit
# A NumPy dtype's Tensor.dtype and little-endian wire form (uint16: bfloat16 bits).
WIRE_DTYPES = {
    np.dtype(np.float32): (pb.DATA_TYPE_FLOAT32, FLOAT32_LE),
    np.dtype(np.float16): (pb.DATA_TYPE_FLOAT16, np.dtype("<f2")),
    np.dtype(np.uint16): (pb.DATA_TYPE_BFLOAT16, np.dtype("<u2")),
    np.dtype(np.float64): (pb.DATA_TYPE_FLOAT64, np.dtype("<f8")),
}
WIRE_BY_TENSOR_DTYPE = dict(WIRE_DTYPES.values())


def wire_form(array):
    """`array`'s Tensor.dtype, and its elements contiguous in the little-endian
    wire form of that dtype (see above)."""
    dtype, wire = WIRE_DTYPES.get(getattr(array, "dtype", None), WIRE_DTYPES[np.dtype(np.float32)])
    return dtype, np.ascontiguousarray(array, dtype=wire)


def raw_tensor(dtype, a):
    """A Tensor of `dtype` carrying `a` (in wire form) as raw bytes, with its shape."""
    return pb.Tensor(shape=a.shape, raw=a.tobytes(), dtype=dtype)


def to_tensor(array):
    """A Tensor carrying `array` as raw bytes in its dtype (see above), with its shape."""
    return raw_tensor(*wire_form(array))


def to_values_tensor(array):
    """The same Tensor through the packed fields (the slow path, for comparison):
    `double_values` for float64, else `values` (float32, which holds every
    float16 and bfloat16 value exactly), with the dtype."""
    dtype, a = wire_form(array)
    if dtype == pb.DATA_TYPE_FLOAT64:
        return pb.Tensor(shape=a.shape, double_values=a.ravel(), dtype=dtype)
    if dtype == pb.DATA_TYPE_BFLOAT16:
        a = (a.astype(np.uint32) << 16).view(np.float32)
    return pb.Tensor(shape=a.shape, values=a.astype(np.float32).ravel(), dtype=dtype)


def from_tensor(tensor):
    """The Tensor's data in its dtype (bfloat16 as uint16 bits): a read-only view
    over `raw`, or a copy of `values` / `double_values`."""
    wire = WIRE_BY_TENSOR_DTYPE.get(tensor.dtype, FLOAT32_LE)  # UNSPECIFIED is float32
    if tensor.raw:
        a = np.frombuffer(tensor.raw, dtype=wire)
    elif tensor.double_values:
        a = np.array(tensor.double_values, dtype=np.float64)
    elif tensor.dtype == pb.DATA_TYPE_BFLOAT16:
        a = (np.array(tensor.values, dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)
    else:
        a = np.array(tensor.values, dtype=np.float32).astype(wire)
    return a.reshape(tuple(tensor.shape)) if tensor.shape else a


class ActivationClient:
    """One channel to the service; use as a context manager or call close()."""

    def __init__(self, target="127.0.0.1:50051", timeout=30.0):
        self._channel = grpc.insecure_channel(target, options=[
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ])
        self._stub = pb_grpc.ActivationServiceStub(self._channel)
        self._health = health_pb2_grpc.HealthStub(self._channel)
        self._timeout = timeout

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._channel.close()

    def evaluate(self, activation, x, params=None, encode=to_tensor):
        """f(x) as an array of x's shape and dtype. Raises grpc.RpcError on a rejected call."""
        request = pb.EvaluateRequest(activation=activation, params=params or {}, input=encode(x))
        return from_tensor(self._stub.Evaluate(request, timeout=self._timeout).output)

    def evaluate_chunked(self, activation, x, params=None, chunk=1 << 20):
        """f(x) for arrays of any size, in x's dtype as evaluate() takes it:
        EvaluateStream, one self-contained request per `chunk` elements,
        answered in order, into one preallocated result."""
        dtype, a = wire_form(x)
        flat = a.reshape(-1)
        requests = (pb.EvaluateRequest(activation=activation, params=params or {},
                                       input=raw_tensor(dtype, flat[i:i + chunk]))
                    for i in range(0, flat.size, chunk))
        out = np.empty_like(flat)
        pos = 0
        for response in self._stub.EvaluateStream(requests, timeout=self._timeout):
            part = from_tensor(response.output)
            out[pos:pos + part.size] = part
            pos += part.size
        return out.reshape(np.shape(x))

    def gradient(self, activation, x, grad_output=None, params=None, include_output=False):
        """f'(x), or grad_output * f'(x) when grad_output is given (a backward pass).

        With include_output, returns (gradient, f(x)) from the same call.
        """
        request = pb.GradientRequest(activation=activation, params=params or {}, input=to_tensor(x),
                                     include_output=include_output)
        if grad_output is not None:
            request.grad_output.CopyFrom(to_tensor(grad_output))
        response = self._stub.Gradient(request, timeout=self._timeout)
        grad = from_tensor(response.grad_input)
        return (grad, from_tensor(response.output)) if include_output else grad

    def catalogue(self):
        """Every activation the server offers (ActivationInfo messages)."""
        return list(self._stub.ListActivations(pb.ListActivationsRequest(),
                                               timeout=self._timeout).activations)

    def health(self, service=SERVICE_NAME):
        """The standard health status name, e.g. "SERVING"."""
        response = self._health.Check(health_pb2.HealthCheckRequest(service=service),
                                      timeout=self._timeout)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)


def _in_range(value, p):
    above = value > p.min or (p.min_inclusive and value == p.min)
    below = value < p.max or (p.max_inclusive and value == p.max)
    return above and below


def sample_params(info):
    """Parameters that make any catalogue entry callable: its defaults, plus a
    valid value for each required parameter (1 when allowed)."""
    params = {}
    for p in info.parameters:
        if p.required:
            finite = [b for b in (p.min, p.max) if np.isfinite(b)]
            candidates = [1.0, 0.5, 2.0] + [sum(finite) / len(finite) + d for d in (0.0, 0.5, -0.5)
                                              if finite]
            params[p.name] = next(v for v in candidates if _in_range(v, p))
    return params
