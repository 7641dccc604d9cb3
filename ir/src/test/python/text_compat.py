"""Checks that Yard's textual form is ONNX's, both ways, on ONNX's backend test models.

    python text_compat.py dump  DIR   # onnx.printer text of every test model -> DIR/<case>.onnx.txt
    (Yard reads each DIR/<case>.onnx.txt and prints DIR/<case>.yard.txt, see OnnxTextCompatTest)
    python text_compat.py check DIR   # onnx.parser must read each .yard.txt, to the same model

"Same model" is judged first by text: onnx.printer's rendering of what onnx.parser made of
Yard's text, against its rendering of the model parsed from its own text. Where the texts
differ, both models run in ONNX Runtime on the case's recorded inputs and must agree.
"""
import collections
import glob
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data"
CATEGORIES = ["node", "simple", "pytorch-converted", "pytorch-operator"]


def cases():
    for cat in CATEGORIES:
        for path in sorted(glob.glob(f"{DATA}/{cat}/*/model.onnx")):
            yield f"{cat}__{os.path.basename(os.path.dirname(path))}", path


def dump(out):
    os.makedirs(out, exist_ok=True)
    counts = collections.Counter()
    for name, path in cases():
        try:
            text = onnx.printer.to_text(onnx.load(path))
        except Exception as e:  # noqa: BLE001 - we count every kind of failure
            counts["onnx.printer failed"] += 1
            print(f"{name}: onnx.printer failed: {first_line(e)}")
            continue
        with open(f"{out}/{name}.onnx.txt", "w", encoding="utf-8") as f:
            f.write(text)
        counts["written"] += 1
        try:
            onnx.parser.parse_model(text)
            counts["onnx reads its own text"] += 1
        except Exception as e:  # noqa: BLE001
            counts["onnx rejects its own text"] += 1
            print(f"{name}: onnx.parser rejects onnx.printer's text: {first_line(e)}")
    print(dict(counts))


def first_line(e):
    lines = [l for l in str(e).splitlines() if l.strip()]
    return " | ".join(lines[:3])[:300]


def collapsed(text):
    """Whitespace collapsed (and dropped next to brackets): layout differences are not differences."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ?([()<>{}\[\],=]) ?", r"\1", text)


def normalized(model, keep_tensor_names=True):
    text = onnx.printer.to_text(model)
    return collapsed(text if keep_tensor_names else without_tensor_names(text))


# Yard's Tensor has no name, so a tensor attribute's name ("float[2] const_tensor {...}") is lost.
TENSOR_NAME = re.compile(r"(: tensor = [a-z0-9]+(?:\[[^\]]*\])?) (?:[A-Za-z_][A-Za-z0-9_]*|\"[^\"]*\") ?\{")


def without_tensor_names(text):
    return TENSOR_NAME.sub(r"\1 {", text)


def run(model, case_dir):
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {}
    inputs = sorted(glob.glob(f"{case_dir}/test_data_set_0/input_*.pb"), key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))
    for info, p in zip(sess.get_inputs(), inputs):
        t = onnx.TensorProto()
        with open(p, "rb") as f:
            t.ParseFromString(f.read())
        feeds[info.name] = numpy_helper.to_array(t)
    return sess.run(None, feeds)


def same_outputs(a, b, case_dir):
    ra, rb = run(a, case_dir), run(b, case_dir)
    for x, y in zip(ra, rb):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            return False
        if x.dtype.kind in "fc":
            if not np.allclose(x, y, equal_nan=True):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


def check(out):
    counts = collections.Counter()
    for name, path in cases():
        yard_file = f"{out}/{name}.yard.txt"
        onnx_file = f"{out}/{name}.onnx.txt"
        if not os.path.exists(yard_file):
            counts["no Yard text"] += 1
            continue
        with open(yard_file, encoding="utf-8") as f:
            yard_text = f.read()
        try:
            from_yard = onnx.parser.parse_model(yard_text)
        except Exception as e:  # noqa: BLE001
            counts["onnx.parser rejects Yard's text"] += 1
            print(f"{name}: onnx.parser rejects Yard's text: {first_line(e)}")
            continue
        with open(onnx_file, encoding="utf-8") as f:
            onnx_text = f.read()
        try:
            reference = onnx.parser.parse_model(onnx_text)
        except Exception:  # noqa: BLE001 - onnx cannot read its own text; compare with the file
            reference = onnx.load(path)
        if collapsed(yard_text) == collapsed(onnx_text):
            counts["Yard prints exactly onnx.printer's text (layout aside)"] += 1
        if normalized(from_yard) == normalized(reference):
            counts["same model"] += 1
            continue
        if normalized(from_yard, False) == normalized(reference, False):
            counts["same model but for the names of tensors in attributes"] += 1
            continue
        try:
            if same_outputs(onnx.load(path), from_yard, os.path.dirname(path)):
                counts["different text, same outputs in onnxruntime"] += 1
            else:
                counts["DIFFERENT OUTPUTS"] += 1
                print(f"{name}: different outputs")
        except Exception as e:  # noqa: BLE001
            counts["different text, onnxruntime cannot run both"] += 1
            print(f"{name}: different text and onnxruntime failed: {first_line(e)}")
    print(dict(counts))


if __name__ == "__main__":
    {"dump": dump, "check": check}[sys.argv[1]](sys.argv[2])
