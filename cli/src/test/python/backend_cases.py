"""ONNX's side of the backend-suite conformance test.

    backend_cases.py print-text PAIRS      # onnx.printer text of models: PAIRS is JSON [[model, out.txt], ...]
    backend_cases.py run MANIFEST RESULTS  # run models in ONNX Runtime against the cases' test data

MANIFEST is JSON: a list of {"case": dir, "models": {"original": path, "<variant>": path, ...}}.
A path ending in .onnxtxt is textual syntax, read with onnx.parser (so this also checks that
onnx.parser accepts it). For every case and model variant, runs each test_data_set_* of the
case and compares the outputs with the expected ones (rtol 1e-3, atol 1e-5). Writes RESULTS
as JSON: {case: {variant: "pass" | "fail: reason"}}.
"""
import glob
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import onnxruntime as ort

RTOL = 1e-3
ATOL = 1e-5


def load_value(path, type_proto):
    """Reads a .pb file according to the declared type of the graph input or output."""
    with open(path, "rb") as f:
        data = f.read()
    kind = type_proto.WhichOneof("value") if type_proto is not None else "tensor_type"
    if kind == "sequence_type":
        seq = onnx.SequenceProto()
        seq.ParseFromString(data)
        return numpy_helper.to_list(seq)
    if kind == "optional_type":
        opt = onnx.OptionalProto()
        opt.ParseFromString(data)
        return numpy_helper.to_optional(opt)
    if kind == "map_type":
        m = onnx.MapProto()
        m.ParseFromString(data)
        return numpy_helper.to_dict(m)
    t = onnx.TensorProto()
    t.ParseFromString(data)
    return numpy_helper.to_array(t)


def compare(expected, actual, where):
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            raise AssertionError(f"{where}: sequence length differs")
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{where}[{i}]")
        return
    if expected is None:
        if actual is not None:
            raise AssertionError(f"{where}: expected an empty optional")
        return
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    if expected.dtype == object or actual.dtype == object:
        if expected.tolist() != actual.tolist():
            raise AssertionError(f"{where}: strings differ")
        return
    if expected.shape != actual.shape:
        raise AssertionError(f"{where}: shape {actual.shape} != expected {expected.shape}")
    if expected.dtype.kind in "fc":
        np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=where)
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=where)


def run_model(case_dir, model_path):
    if model_path.endswith(".onnxtxt"):
        with open(model_path, encoding="utf-8") as f:
            model = onnx.parser.parse_model(f.read())
        source = model.SerializeToString()
    else:
        model = onnx.load(model_path, load_external_data=False)
        source = model_path
    inputs_decl = {}
    init_names = {i.name for i in model.graph.initializer}
    real_inputs = [i for i in model.graph.input if i.name not in init_names]
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    sess = ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])
    sess_inputs = [i.name for i in sess.get_inputs()]
    for i in real_inputs:
        inputs_decl[i.name] = i.type
    sets = sorted(glob.glob(os.path.join(case_dir, "test_data_set_*")))
    if not sets:
        raise AssertionError("no test data")
    for ds in sets:
        feeds = {}
        n_in = len(glob.glob(os.path.join(ds, "input_*.pb")))
        for k in range(n_in):
            decl = real_inputs[k] if k < len(real_inputs) else None
            name = decl.name if decl is not None else sess_inputs[k]
            feeds[name] = load_value(os.path.join(ds, f"input_{k}.pb"), decl.type if decl is not None else None)
        outs = sess.run(None, feeds)
        n_out = len(glob.glob(os.path.join(ds, "output_*.pb")))
        for k in range(n_out):
            decl = model.graph.output[k] if k < len(model.graph.output) else None
            expected = load_value(os.path.join(ds, f"output_{k}.pb"), decl.type if decl is not None else None)
            compare(expected, outs[k], f"{os.path.basename(ds)} output {k}")


def print_text(pairs_path):
    with open(pairs_path) as f:
        pairs = json.load(f)
    for model_path, out_path in pairs:
        try:
            text = onnx.printer.to_text(onnx.load(model_path))
        except Exception as e:  # a model onnx cannot print is reported by its absence
            print(f"{model_path}: onnx.printer failed: {e}")
            continue
        with open(out_path, "w", encoding="utf-8") as f:
            f.write(text)


def main():
    if sys.argv[1] == "print-text":
        print_text(sys.argv[2])
        return
    manifest_path, results_path = sys.argv[2], sys.argv[3]
    with open(manifest_path) as f:
        manifest = json.load(f)
    results = {}
    for entry in manifest:
        case = entry["case"]
        res = {}
        for variant, path in entry["models"].items():
            try:
                run_model(case, path)
                res[variant] = "pass"
            except Exception as e:  # a case that fails is a result, not an error of this script
                msg = str(e).strip().splitlines()
                res[variant] = "fail: " + (msg[0] if msg else type(e).__name__)[:300]
        results[case] = res
    with open(results_path + ".tmp", "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    os.replace(results_path + ".tmp", results_path)


if __name__ == "__main__":
    main()
