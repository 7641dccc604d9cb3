"""Yard's TVM builder: compiles a Relax module that Yard emitted into a shared library.

Usage: yard_tvm_build.py MODULE.py PARAMS.json TARGET_JSON|host OUT.so [--check-only]

MODULE.py is TVMScript (an @I.ir_module class), PARAMS.json indexes the raw little-endian
weights in the binary file next to it. The parameters are bound into `main` as constants,
folded, and the module is compiled for the target and exported. Before building, the text
is parsed, printed by TVM and parsed again; the two modules must be structurally equal, so
what Yard wrote is exactly what gets compiled. Errors go to stderr, exit code 2 for bad
input (a module TVM refuses), 1 for anything else.
"""

import json
import os
import sys

import numpy as np


def read_params(index_path):
    with open(index_path) as f:
        index = json.load(f)
    blob_path = os.path.join(os.path.dirname(index_path), index["data"])
    blob = np.memmap(blob_path, dtype=np.uint8, mode="r") if os.path.getsize(blob_path) else b""
    params = {}
    for p in index["params"]:
        start, size = p["offset"], p["bytes"]
        raw = np.asarray(blob[start:start + size], dtype=np.uint8)
        params[p["name"]] = np.frombuffer(raw.tobytes(), dtype=np.dtype(p["dtype"]).newbyteorder("<")).reshape(p["shape"])
    return params


def parse(source):
    import tvm

    mod = tvm.script.from_source(source)
    again = tvm.script.from_source(mod.script())
    tvm.ir.assert_structural_equal(mod, again, map_free_vars=True)
    return mod


def make_target(target_json):
    """The TVM target for 'host' or a JSON object; None after printing why TVM refused it."""
    import tvm

    if target_json == "host":
        from tvm.target import codegen

        return tvm.target.Target({"kind": "llvm", "mcpu": codegen.llvm_get_system_cpu()})
    try:
        return tvm.target.Target(json.loads(target_json))
    except Exception as e:  # TVM refuses unknown kinds and keys with several exception types
        lines = [line.strip() for line in str(e).splitlines() if line.strip()]
        print(f"--target {target_json}: TVM refused the target: {lines[-1] if lines else type(e).__name__}",
              file=sys.stderr)
        return None


def build(mod, params, target, out):
    import tvm
    from tvm import relax

    bound = {name: tvm.runtime.tensor(value) for name, value in params.items()}
    mod = relax.transform.BindParams("main", bound)(mod)
    mod = relax.transform.FoldConstant()(mod)
    ex = tvm.compile(mod, target=target)
    tmp = out + ".tmp.so"
    ex.export_library(tmp)
    del ex
    os.replace(tmp, out)


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    module_path, params_path, target_json, out = argv[1:5]
    check_only = len(argv) == 6 and argv[5] == "--check-only"
    with open(module_path) as f:
        source = f.read()
    try:
        mod = parse(source)
    except Exception as e:  # TVM reports parse errors as several exception types
        print(f"{module_path}: TVM refused the module: {e}", file=sys.stderr)
        return 2
    if check_only:
        return 0
    target = make_target(target_json)
    if target is None:
        return 2
    build(mod, read_params(params_path), target, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
