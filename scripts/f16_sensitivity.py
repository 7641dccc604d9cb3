"""How far one extra f16 rounding of every conv weight moves an f16 model's outputs.

A factor chain stored in f16 cannot reproduce an f16 kernel bit for bit: at best it leaves
one rounding of its own per layer. This measures what that costs the model, independently of
any decomposition: each conv weight W becomes f16(W * (1 + u)), u uniform in +-2^-11 (half an
f16 ulp), and the outputs are compared with the original's in ONNX Runtime.

Usage: python scripts/f16_sensitivity.py MODEL.onnx [uniform|centered|smooth ...]
"""
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def inputs(model, kind, rng):
    feeds = {}
    for v in model.graph.input:
        dims = [d.dim_value or 1 for d in v.type.tensor_type.shape.dim]
        x = rng.random(dims, dtype=np.float32)
        if kind == "centered":
            x -= 0.5
        elif kind == "smooth":
            # A synthetic picture: smooth gradients and a disc, not noise.
            h, w = dims[-2], dims[-1]
            yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
            disc = ((xx - 0.5) ** 2 + (yy - 0.5) ** 2 < 0.1).astype(np.float32)
            planes = [np.sin(6 * xx + 2 * yy), np.cos(5 * yy) * np.exp(-4 * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2)), disc]
            x = np.broadcast_to(np.stack([planes[i % 3] for i in range(dims[1])]) * 0.4, dims).astype(np.float32)
        feeds[v.name] = x
    return feeds


def run(model, feeds):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def perturbed(model, rng):
    weights = {n.input[1] for n in model.graph.node if n.op_type == "Conv"}
    m = onnx.ModelProto()
    m.CopyFrom(model)
    for t in m.graph.initializer:
        if t.name in weights and t.data_type == onnx.TensorProto.FLOAT16:
            w = numpy_helper.to_array(t).astype(np.float64)
            w = (w * (1 + rng.uniform(-2.0 ** -11, 2.0 ** -11, w.shape))).astype(np.float16)
            t.CopyFrom(numpy_helper.from_array(w, t.name))
    return m


def main():
    model = onnx.load(sys.argv[1])
    rng = np.random.default_rng(0)
    changed = perturbed(model, np.random.default_rng(1))
    for kind in sys.argv[2:] or ["uniform"]:
        feeds = inputs(model, kind, rng)
        base = run(model, feeds)
        out = run(changed, feeds)
        errors = [np.linalg.norm(a.astype(np.float64) - b) / np.linalg.norm(b.astype(np.float64))
                  for a, b in zip(out, base)]
        print(f"{kind:9s} relative L2 per output: " + " ".join(f"{e:.2e}" for e in errors))


if __name__ == "__main__":
    main()
