"""Yard's TVM builder: compiles a Relax module that Yard emitted into a shared library.

Usage: yard_tvm_build.py MODULE.py PARAMS.json TARGET_JSON|host OUT.so [--check-only]

A target whose mtriple names another architecture than the host's is compiled with TVM's
cross compiler around TRIPLE-g++ (Debian's g++-TRIPLE), and the library is checked: an ELF of
that architecture exporting the module.

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


# ELF e_machine values of the architectures a target triple may name.
ELF_MACHINES = {"x86_64": 62, "aarch64": 183, "arm": 40, "riscv64": 243}


def triple_arch(target):
    """The architecture a target's mtriple names, or None when it leaves it to the host."""
    triple = str(target.attrs["mtriple"]) if "mtriple" in target.attrs else ""
    return triple.split("-")[0] if triple else None


def cross_compiler(target):
    """None for the host's architecture; else TVM's cross compiler around TRIPLE-g++, or a reason it is missing."""
    import platform
    import shutil

    arch = triple_arch(target)
    if arch is None or arch == platform.machine():
        return None, None
    triple = str(target.attrs["mtriple"])
    gxx = triple + "-g++"
    if shutil.which(gxx) is None:
        return None, (f"cross-compiling for {triple} needs {gxx} on the PATH "
                      f"(Debian: apt-get install g++-{triple})")
    from tvm.support import cc

    return cc.cross_compiler(gxx), None


def check_library(path, target):
    """Reads what was produced: an ELF shared library of the target's architecture that exports the module."""
    import subprocess

    with open(path, "rb") as f:
        header = f.read(20)
    if header[:4] != b"\x7fELF":
        return f"{path}: not an ELF file"
    machine = int.from_bytes(header[18:20], "little")
    arch = triple_arch(target)
    if arch in ELF_MACHINES and machine != ELF_MACHINES[arch]:
        return f"{path}: ELF machine {machine}, expected {ELF_MACHINES[arch]} for {arch}"
    if arch is not None:
        nm = str(target.attrs["mtriple"]) + "-nm"
        symbols = subprocess.run([nm, "-D", "--defined-only", path], capture_output=True, text=True)
        if symbols.returncode != 0 or "__tvm_ffi__library_bin" not in symbols.stdout:
            return f"{path}: does not export the module (__tvm_ffi__library_bin)"
    return None


def build(mod, params, target, out):
    import tvm
    from tvm import relax

    fcompile, missing = cross_compiler(target)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    bound = {name: tvm.runtime.tensor(value) for name, value in params.items()}
    mod = relax.transform.BindParams("main", bound)(mod)
    mod = relax.transform.FoldConstant()(mod)
    ex = tvm.compile(mod, target=target)
    tmp = out + ".tmp.so"
    if fcompile is None:
        ex.export_library(tmp)
    else:
        ex.export_library(tmp, fcompile=fcompile)
    del ex
    problem = check_library(tmp, target) if fcompile is not None else None
    if problem:
        os.remove(tmp)
        print(problem, file=sys.stderr)
        return 1
    os.replace(tmp, out)
    return 0


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
    return build(mod, read_params(params_path), target, out)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
