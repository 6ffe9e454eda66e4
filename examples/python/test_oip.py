#!/usr/bin/python3
"""The Open Inference Protocol (KServe v2) from Python against a running
server: gRPC through stubs generated from proto/inference/grpc_predict_v2.proto
($ACTIVATION_TARGET), and the HTTP/REST API with only the standard library
($ACTIVATION_HTTP_TARGET). Every answer is compared bit for bit with the same
server's activation.v1 answer for the same request.

    ACTIVATION_TARGET=127.0.0.1:PORT ACTIVATION_HTTP_TARGET=127.0.0.1:HTTP_PORT \\
        /usr/bin/python3 -m unittest -v test_oip
"""
import json
import os
import unittest
import urllib.error
import urllib.request

import grpc
import numpy as np

from activation_client import ActivationClient, sample_params
from inference import grpc_predict_v2_pb2 as pb
from inference import grpc_predict_v2_pb2_grpc as pb_grpc

TARGET = os.environ.get("ACTIVATION_TARGET", "127.0.0.1:50051")
HTTP_TARGET = os.environ.get("ACTIVATION_HTTP_TARGET", "127.0.0.1:8000")

# Kinks, specials and a spread of magnitudes; two rows of 32.
X = np.concatenate([
    [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 3.0, -3.0, 6.0, 20.0, -20.0, 1e-30, -1e-30, 88.0, -104.0, 2.5],
    np.linspace(-9, 9, 48),
]).astype(np.float32).reshape(2, 32)
G = ((np.arange(X.size) % 7 - 3) * 0.25).astype(np.float32).reshape(X.shape)


def same_bits(a, b):
    a = np.ascontiguousarray(a, dtype=np.float32)
    b = np.ascontiguousarray(b, dtype=np.float32)
    return a.shape == b.shape and bool(np.all(a.view(np.uint32) == b.view(np.uint32)))


def infer_request(model, inputs, outputs=(), params=None, raw=True, kind="double"):
    request = pb.ModelInferRequest(model_name=model, id="py-" + model)
    for name, value in (params or {}).items():
        p = request.parameters[name]
        if kind == "double":
            p.double_param = value
        elif kind == "string":
            p.string_param = repr(float(value))
        else:
            p.int64_param = int(value)
    for name, array in inputs:
        tensor = request.inputs.add(name=name, datatype="FP32", shape=list(array.shape))
        if raw:
            request.raw_input_contents.append(np.ascontiguousarray(array, dtype="<f4").tobytes())
        else:
            tensor.contents.fp32_contents.extend(array.ravel().tolist())
    for name in outputs:
        request.outputs.add(name=name)
    return request


def outputs_of(response):
    """name -> float32 array of the response's shape, from either form."""
    result = {}
    for i, tensor in enumerate(response.outputs):
        if response.raw_output_contents:
            data = np.frombuffer(response.raw_output_contents[i], dtype="<f4")
        else:
            data = np.array(tensor.contents.fp32_contents, dtype=np.float32)
        result[tensor.name] = data.reshape(list(tensor.shape))
    return result


def http(method, path, body=None, headers=None):
    """(status, headers, body bytes) of one HTTP call."""
    request = urllib.request.Request(f"http://{HTTP_TARGET}{path}", data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def post_json(path, document):
    status, _, body = http("POST", path, json.dumps(document).encode(), {"Content-Type": "application/json"})
    return status, json.loads(body)


class OipTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.channel = grpc.insecure_channel(TARGET)
        cls.stub = pb_grpc.GRPCInferenceServiceStub(cls.channel)
        cls.v1 = ActivationClient(TARGET)
        cls.catalogue = cls.v1.catalogue()

    @classmethod
    def tearDownClass(cls):
        cls.v1.close()
        cls.channel.close()

    def reference(self, info, params):
        """activation.v1's f, f' and VJP of X (row by row for row-wise functions)."""
        rows = X if info.rowwise else X.reshape(1, -1)
        grads = G if info.rowwise else G.reshape(1, -1)
        parts = [self.v1.gradient(info.name, x, params=params, include_output=True) for x in rows]
        vjps = [self.v1.gradient(info.name, x, grad_output=g, params=params) for x, g in zip(rows, grads)]
        y = np.concatenate([p[1] for p in parts]).reshape(X.shape)
        d = np.concatenate([p[0] for p in parts]).reshape(X.shape)
        return y, d, np.concatenate(vjps).reshape(X.shape)

    def test_server_rpcs(self):
        self.assertTrue(self.stub.ServerLive(pb.ServerLiveRequest()).live)
        self.assertTrue(self.stub.ServerReady(pb.ServerReadyRequest()).ready)
        metadata = self.stub.ServerMetadata(pb.ServerMetadataRequest())
        self.assertEqual(metadata.name, "activation-server")
        self.assertIn("binary_tensor_data", metadata.extensions)

    def test_models(self):
        for info in self.catalogue:
            for name in [info.name, *info.aliases]:
                self.assertTrue(self.stub.ModelReady(pb.ModelReadyRequest(name=name, version="1")).ready)
                metadata = self.stub.ModelMetadata(pb.ModelMetadataRequest(name=name))
                self.assertEqual(metadata.name, info.name)
                self.assertEqual(list(metadata.versions), ["1"])
                self.assertEqual([t.name for t in metadata.inputs], ["x", "grad_output"])
                self.assertEqual([t.name for t in metadata.outputs], ["y", "grad_input"])

    def test_every_activation_equals_activation_v1(self):
        for info in self.catalogue:
            params = sample_params(info)
            want_y, want_d, want_vjp = self.reference(info, params)
            for raw in (True, False):
                with self.subTest(activation=info.name, raw=raw):
                    response = self.stub.ModelInfer(
                        infer_request(info.name, [("x", X)], ["y", "grad_input"], params, raw))
                    self.assertEqual(response.id, "py-" + info.name)
                    self.assertEqual(bool(response.raw_output_contents), raw)
                    got = outputs_of(response)
                    self.assertTrue(same_bits(got["y"], want_y))
                    self.assertTrue(same_bits(got["grad_input"], want_d))
                    vjp = self.stub.ModelInfer(
                        infer_request(info.name, [("x", X), ("grad_output", G)], ["grad_input"], params, raw))
                    self.assertTrue(same_bits(outputs_of(vjp)["grad_input"], want_vjp))

    def test_parameter_kinds(self):
        x = np.array([-2, -1, 0.5, 3], dtype=np.float32)
        want = self.v1.evaluate("elu", x, params={"alpha": 2.0})
        for kind in ("double", "string", "int64"):
            response = self.stub.ModelInfer(infer_request("elu", [("x", x)], params={"alpha": 2}, kind=kind))
            self.assertTrue(same_bits(outputs_of(response)["y"], want), kind)

    def test_errors(self):
        x = [("x", np.ones(2, dtype=np.float32))]
        cases = [
            (infer_request("bogus", x), grpc.StatusCode.NOT_FOUND, "model 'bogus' not found"),
            (infer_request("relu", x, ["z"]), grpc.StatusCode.INVALID_ARGUMENT, "unknown output 'z'"),
            (infer_request("softplus", x, params={"beta": -1.0}), grpc.StatusCode.INVALID_ARGUMENT,
             "softplus.beta: value -1 is out of range"),
            (infer_request("relu", [("input0", x[0][1])]), grpc.StatusCode.INVALID_ARGUMENT, "unknown input"),
        ]
        for request, code, message in cases:
            with self.assertRaises(grpc.RpcError) as caught:
                self.stub.ModelInfer(request)
            self.assertEqual(caught.exception.code(), code)
            self.assertIn(message, caught.exception.details())

    def test_rest_endpoints(self):
        status, _, body = http("GET", "/v2/health/live")
        self.assertEqual((status, json.loads(body)), (200, {"live": True}))
        self.assertEqual(http("GET", "/v2/health/ready")[0], 200)
        status, _, body = http("GET", "/v2")
        self.assertEqual(json.loads(body)["name"], "activation-server")
        status, _, body = http("GET", "/v2/models/swish/versions/1")
        self.assertEqual((status, json.loads(body)["name"]), (200, "silu"))
        self.assertEqual(http("GET", "/v2/models/swish/ready")[0], 200)
        for path in ("/v2/models/bogus", "/v2/models/bogus/ready", "/v2/models/relu/versions/9"):
            status, _, body = http("GET", path)
            self.assertEqual(status, 404, path)
            self.assertIn("error", json.loads(body))

    def test_rest_json_equals_activation_v1(self):
        for info in self.catalogue:
            params = sample_params(info)
            want_y, want_d, want_vjp = self.reference(info, params)
            with self.subTest(activation=info.name):
                document = {
                    "id": "rest",
                    "parameters": params,
                    "inputs": [{"name": "x", "shape": list(X.shape), "datatype": "FP32",
                                "data": X.astype(np.float64).tolist()}],  # nested, as numpy writes it
                    "outputs": [{"name": "y"}, {"name": "grad_input"}],
                }
                status, response = post_json(f"/v2/models/{info.name}/infer", document)
                self.assertEqual(status, 200, response)
                self.assertEqual(response["id"], "rest")
                got = {o["name"]: np.array(o["data"], dtype=np.float32).reshape(o["shape"])
                       for o in response["outputs"]}
                self.assertTrue(same_bits(got["y"], want_y))
                self.assertTrue(same_bits(got["grad_input"], want_d))
                document["inputs"].append({"name": "grad_output", "shape": list(G.shape), "datatype": "FP32",
                                           "data": G.ravel().astype(np.float64).tolist()})  # flat
                document["outputs"] = [{"name": "grad_input"}]
                status, response = post_json(f"/v2/models/{info.name}/infer", document)
                self.assertEqual(status, 200, response)
                got = np.array(response["outputs"][0]["data"], dtype=np.float32).reshape(X.shape)
                self.assertTrue(same_bits(got, want_vjp))

    def test_rest_binary_data(self):
        x = np.concatenate([X.ravel(), [np.nan, np.inf, -np.inf]]).astype(np.float32)
        want = self.v1.evaluate("mish", x)
        header = json.dumps({
            "inputs": [{"name": "x", "shape": [x.size], "datatype": "FP32",
                        "parameters": {"binary_data_size": x.nbytes}}],
            "outputs": [{"name": "y", "parameters": {"binary_data": True}}],
        }).encode()
        status, headers, body = http("POST", "/v2/models/mish/infer", header + x.tobytes(),
                                     {"Inference-Header-Content-Length": str(len(header)),
                                      "Content-Type": "application/octet-stream"})
        self.assertEqual(status, 200, body[:200])
        length = int(headers["Inference-Header-Content-Length"])
        meta = json.loads(body[:length])
        self.assertEqual(meta["outputs"][0]["parameters"]["binary_data_size"], x.nbytes)
        self.assertTrue(same_bits(np.frombuffer(body[length:], dtype="<f4"), want))

    def test_rest_errors(self):
        x = {"name": "x", "shape": [2], "datatype": "FP32", "data": [1, 2]}
        for path, document, code, message in [
            ("/v2/models/bogus/infer", {"inputs": [x]}, 404, "not found"),
            ("/v2/models/relu/infer", {"inputs": [x], "outputs": [{"name": "z"}]}, 400, "unknown output"),
            ("/v2/models/softplus/infer", {"inputs": [x], "parameters": {"beta": "-1"}}, 400, "out of range"),
        ]:
            status, response = post_json(path, document)
            self.assertEqual(status, code, response)
            self.assertIn(message, response["error"])
        status, _, body = http("POST", "/v2/models/relu/infer", b'{"inputs": [', {"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertIn("malformed JSON", json.loads(body)["error"])


if __name__ == "__main__":
    unittest.main()
