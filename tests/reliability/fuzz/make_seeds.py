#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (corpus/<target>/seed-*).

Requests are encoded by hand in the protobuf wire format (no generated code
needed), one seed per interesting shape of request: every activation family,
both encodings, shapes, params, and a few of the bad-inputs table's rows.
Re-run after changing it; crash regressions live next to the seeds as crash-*.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    n &= (1 << 64) - 1
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def field(number, wire_type, payload):
    key = varint(number << 3 | wire_type)
    if wire_type == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def tensor(values=None, raw=None, shape=None):
    out = b""
    if shape is not None:
        out += field(1, 2, b"".join(varint(d) for d in shape))
    if values is not None:
        out += field(2, 2, struct.pack("<%df" % len(values), *values))
    if raw is not None:
        out += field(3, 2, raw)
    return out


def request(activation, params=(), input_tensor=b"", grad_output=None, include_output=False):
    out = field(1, 2, activation.encode())
    for name, value in params:
        out += field(2, 2, field(1, 2, name.encode()) + field(2, 1, struct.pack("<d", value)))
    out += field(3, 2, input_tensor)
    if grad_output is not None:
        out += field(4, 2, grad_output)
    if include_output:
        out += field(5, 0, varint(1))
    return out


def raw(values):
    return struct.pack("<%df" % len(values), *values)


SPECIAL = [0.0, -0.0, 1.0, -1.0, 20.0, -20.0, 88.0, -104.0, 1e-45, float("inf"), float("-inf"), float("nan")]


def evaluate_seeds():
    return {
        "sigmoid-values": request("sigmoid", input_tensor=tensor(values=SPECIAL)),
        "tanh-raw": request("tanh", input_tensor=tensor(raw=raw(SPECIAL))),
        "step-threshold": request("step", [("threshold", 0.5)], tensor(values=[0.4, 0.5, 0.6])),
        "leaky-relu-slope": request("leaky_relu", [("negative_slope", 0.2)], tensor(values=[-1, 2])),
        "logistic-alias": request("logistic", input_tensor=tensor(values=[0, 1, -20])),
        "elu-alpha": request("elu", [("alpha", 1.5)], tensor(raw=raw([-3, 0, 3]))),
        "threshold-required": request("threshold", [("threshold", 1), ("value", -5)], tensor(values=[0, 2])),
        "softmax-rows": request("softmax", input_tensor=tensor(values=[1, 2, 3, 4, 5, 6], shape=[2, 3])),
        "log-softmax-empty-rows": request("log_softmax", input_tensor=tensor(shape=[0, 3])),
        "gelu-shape": request("gelu", input_tensor=tensor(raw=raw([-1, 0, 1, 2]), shape=[2, 2])),
        "hardtanh-range": request("hardtanh", [("min_val", -2), ("max_val", 2)], tensor(values=[-3, 3])),
        "empty": request("relu"),
        "unknown-activation": request("swishh", input_tensor=tensor(values=[1])),
        "both-encodings": request("relu", input_tensor=tensor(values=[1], raw=raw([1]))),
        "ragged-raw": request("relu", input_tensor=tensor(raw=b"\0" * 7)),
        "shape-mismatch": request("relu", input_tensor=tensor(values=[1, 2, 3], shape=[2, 2])),
        "negative-shape": request("relu", input_tensor=tensor(values=[1, 2], shape=[-1, -2])),
        "huge-shape": request("relu", input_tensor=tensor(values=[1], shape=[1 << 62, 1 << 62, 4])),
        "nan-param": request("leaky_relu", [("negative_slope", float("nan"))], tensor(values=[1])),
    }


def gradient_seeds():
    x = tensor(values=SPECIAL)
    g = tensor(values=[0.5] * len(SPECIAL))
    return {
        "sigmoid-derivative": request("sigmoid", input_tensor=x),
        "tanh-vjp-output": request("tanh", input_tensor=x, grad_output=g, include_output=True),
        "relu-raw-vjp": request("relu", input_tensor=tensor(raw=raw(SPECIAL)), grad_output=tensor(raw=raw([2.0] * len(SPECIAL)))),
        "mixed-encodings": request("leaky_relu", input_tensor=tensor(raw=raw([1, -1])), grad_output=tensor(values=[1, 1])),
        "softmax-vjp": request("softmax", input_tensor=tensor(values=[1, 2, 3, 4], shape=[2, 2]),
                               grad_output=tensor(values=[1, 0, 0, 1], shape=[2, 2]), include_output=True),
        "empty-grad-output": request("tanh", input_tensor=tensor(values=[1]), grad_output=b""),
        "grad-output-mismatch": request("tanh", input_tensor=tensor(values=[1, 2, 3]), grad_output=tensor(values=[1, 2])),
        "mish-empty": request("mish", grad_output=b"", include_output=True),
    }


def infer_parameter(value):
    """InferParameter: a float as double_param, an int as int64_param, a str as string_param, a bool as bool_param."""
    if isinstance(value, bool):
        return field(1, 0, varint(int(value)))
    if isinstance(value, int):
        return field(2, 0, varint(value))
    if isinstance(value, str):
        return field(3, 2, value.encode())
    return field(4, 1, struct.pack("<d", value))


def infer_request(model, inputs=(), outputs=(), params=(), raw_contents=(), version=None, id_=None):
    """ModelInferRequest; inputs are (name, datatype, shape, fp32 values or None)."""
    out = field(1, 2, model.encode())
    if version is not None:
        out += field(2, 2, version.encode())
    if id_ is not None:
        out += field(3, 2, id_.encode())
    for name, value in params:
        out += field(4, 2, field(1, 2, name.encode()) + field(2, 2, infer_parameter(value)))
    for name, datatype, shape, values in inputs:
        tensor_ = field(1, 2, name.encode()) + field(2, 2, datatype.encode())
        tensor_ += field(3, 2, b"".join(varint(d) for d in shape))
        if values is not None:
            tensor_ += field(5, 2, field(6, 2, struct.pack("<%df" % len(values), *values)))
        out += field(5, 2, tensor_)
    for name in outputs:
        out += field(6, 2, field(1, 2, name.encode()))
    for contents in raw_contents:
        out += field(7, 2, contents)
    return out


def oip_infer_seeds():
    n = len(SPECIAL)
    return {
        "sigmoid-typed": infer_request("sigmoid", [("x", "FP32", [n], SPECIAL)], id_="1"),
        "tanh-raw-both": infer_request("tanh", [("x", "FP32", [n], None)], ["y", "grad_input"],
                                       raw_contents=[raw(SPECIAL)]),
        "softmax-vjp": infer_request("softmax", [("x", "FP32", [2, 2], [1, 2, 3, 4]),
                                                 ("grad_output", "FP32", [2, 2], [1, 0, 0, 1])], ["grad_input"]),
        "params-kinds": infer_request("hardtanh", [("x", "FP32", [2], [-3, 3])],
                                      params=[("min_val", -2), ("max_val", "2.5")]),
        "bool-param": infer_request("elu", [("x", "FP32", [1], [1])], params=[("alpha", True)]),
        "unknown-model": infer_request("swishh", [("x", "FP32", [1], [1])]),
        "bad-version": infer_request("relu", [("x", "FP32", [1], [1])], version="7"),
        "raw-count": infer_request("relu", [("x", "FP32", [1], None)], raw_contents=[raw([1]), raw([2])]),
        "ragged-raw": infer_request("relu", [("x", "FP32", [2], None)], raw_contents=[b"\0" * 7]),
        "fp64": infer_request("relu", [("x", "FP64", [1], [1])]),
        "scalar": infer_request("relu", [("x", "FP32", [], [-1])]),
        "huge-shape": infer_request("relu", [("x", "FP32", [1 << 62, 1 << 62, 4], [1])]),
        "unknown-output": infer_request("relu", [("x", "FP32", [1], [1])], ["z"]),
    }


def oip_http_seeds():
    """First byte: model index (bits 0-5; sigmoid is 1, softmax 23) and, in bit 7,
    a header length in the next two bytes; then the body."""
    def body(model, text, header_length=None):
        first = model | (0x80 if header_length is not None else 0)
        length = header_length or 0
        return bytes([first, length & 0xFF, length >> 8]) + text
    x = b'{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[-1, 0], [2, 3]]}'
    header = b'{"inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "parameters": {"binary_data_size": 12}}],' \
             b' "outputs": [{"name": "y", "parameters": {"binary_data": true}}]}'
    typed = b'{"name": "%s", "shape": [3], "datatype": "%s", "parameters": {"binary_data_size": %d}}'
    fp16_header = b'{"parameters": {"binary_data_output": true}, "inputs": [' + typed % (b"x", b"FP16", 6) + b", " + \
        typed % (b"grad_output", b"FP16", 6) + b'], "outputs": [{"name": "grad_input"}, {"name": "y"}]}'
    fp64_header = b'{"inputs": [' + typed % (b"x", b"FP64", 24) + b'], "outputs": [{"name": "y", "parameters":' \
        b' {"binary_data": true}}]}'
    return {
        "json": body(1, b'{"id": "a", "inputs": [' + x + b'], "outputs": [{"name": "y"}, {"name": "grad_input"}]}'),
        "params": body(4, b'{"parameters": {"negative_slope": "0.2"}, "inputs": [' + x + b']}'),
        "binary": body(1, header + raw([0, 1, -20]), len(header)),
        "softmax-vjp": body(23, b'{"inputs": [' + x + b', {"name": "grad_output", "shape": [2, 2], "datatype": "FP32",'
                                b' "data": [1, 0, 0, 1]}], "outputs": [{"name": "grad_input"}]}'),
        "malformed": body(1, b'{"inputs": [{"name": "x", "data": [1, 2'),
        "junk-model": body(63, b'{"inputs": []}'),
        "deep": body(1, b'{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": ' + b"[" * 40 + b"1" +
                     b"]" * 40 + b"}]}"),
        "fp64-json": body(1, b'{"inputs": [{"name": "x", "shape": [2], "datatype": "FP64", "data": [0.1, -1e-300]},'
                             b' {"name": "grad_output", "shape": [2], "datatype": "FP64", "data": [1, 0.5]}],'
                             b' "outputs": [{"name": "y"}, {"name": "grad_input"}]}'),
        "bf16-json": body(1, b'{"inputs": [{"name": "x", "shape": [3], "datatype": "BF16", "data": [0.1, -3, 70000]}]}'),
        "fp16-binary": body(1, fp16_header + struct.pack("<3e", 0.5, -2.0, 65504.0) + struct.pack("<3e", 1, 1, 1),
                            len(fp16_header)),
        "fp64-binary": body(1, fp64_header + struct.pack("<3d", 0.1, -20.0, 1e308), len(fp64_header)),
    }


def npy(descr, shape, payload, version=1):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    length_size = 2 if version == 1 else 4
    pad = (64 - (10 + len(header) + 1) % 64) % 64 if version == 1 else (64 - (12 + len(header) + 1) % 64) % 64
    header = (header + " " * pad + "\n").encode()
    length = struct.pack("<H" if length_size == 2 else "<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header + payload


def npy_seeds():
    return {
        "f4-1d": npy("<f4", [4], raw([0, 1, -1, 2])),
        "f4-2d": npy("<f4", [2, 3], raw([1, 2, 3, 4, 5, 6])),
        "f8-1d": npy("<f8", [3], struct.pack("<3d", 0.5, -1e300, 1e-320)),
        "f4-scalar": npy("<f4", [], raw([3])),
        "f4-empty": npy("<f4", [0, 5], b""),
        "v2": npy("<f4", [2], raw([1, 2]), version=2),
        "truncated-data": npy("<f4", [10], raw([1, 2])),
        "fortran": b"\x93NUMPY\x01\x00" + struct.pack("<H", 54) +
                   b"{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n".ljust(54) + raw([1]),
        "big-endian": npy(">f4", [1], b"\0\0\x80\x3f"),
        "int": npy("<i4", [1], b"\1\0\0\0"),
    }


def text_seeds():
    return {
        "lines": b"0\n1\n-20\n",
        "spaces-commas": b"1 2,3\t4 , 5\n",
        "special": b"nan inf -inf -0 1e-45 3.4028235e38 0x1p-3\n",
        "bad-number": b"1 2 abc\n",
        "empty": b"",
        "crlf": b"1\r\n2\r\n",
    }


def csv_seeds():
    return {
        "header": b"x,y\n1,2\n3,4\n",
        "no-header": b"1,2,3\n4,5,6\n",
        "quoted": b'name,value\n"a,b",1\n"c""d",2\n',
        "empty-cells": b"1,,2\n,3,\n",
        "ragged": b"1,2\n3\n",
        "bad-cell": b"1,2\n3,x\n",
        "unterminated-quote": b'1,"abc\n',
    }


def main():
    corpora = {"evaluate": evaluate_seeds(), "gradient": gradient_seeds(), "oip_infer": oip_infer_seeds(),
               "oip_http": oip_http_seeds(), "npy": npy_seeds(),
               "text": text_seeds(), "csv": csv_seeds()}
    for target, seeds in corpora.items():
        directory = os.path.join(HERE, "corpus", target)
        os.makedirs(directory, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(directory, "seed-" + name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
