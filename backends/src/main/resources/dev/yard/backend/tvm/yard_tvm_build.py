"""Yard's TVM builder: compiles a Relax module that Yard emitted into a shared library, and
tunes its workloads with MetaSchedule.

Usage:
  yard_tvm_build.py check MODULE.py
  yard_tvm_build.py build MODULE.py PARAMS.json TARGET OUT.so [--database DIR]
  yard_tvm_build.py tune MODULE.py PARAMS.json TARGET --database DIR --summary OUT.json
                    [--trials N] [--time-budget SECONDS] [--threads N] [--seed N]

TARGET is 'host' or a JSON target. A target whose mtriple names another architecture than the
host's is compiled with TVM's cross compiler around TRIPLE-g++ (Debian's g++-TRIPLE), and the
library is checked: an ELF of that architecture exporting the module.

MODULE.py is TVMScript (an @I.ir_module class), PARAMS.json indexes the raw little-endian
weights in the binary file next to it. Before anything else the text is parsed, printed by TVM
and parsed again; the two modules must be structurally equal, so what Yard wrote is exactly
what gets compiled.

Build and tune prepare the module the same way: parameters bound as constants, operators
lowered and fused into TIR workloads, weights marked as layout-free. `tune` measures
schedules of each workload on this host and adds them to the database folder; `build`
applies the best schedule the database holds for each workload, with weights repacked into
the layout that schedule wants at compile time, and leaves the other workloads as lowered.

Errors go to stderr, exit code 2 for bad input (a module or target TVM refuses), 1 for
anything else. `tune` reports progress on stdout as lines 'progress DONE TOTAL'.
"""

import argparse
import json
import os
import sys
import time

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


def make_target(target_json, threads=None):
    """The TVM target for 'host' or a JSON object; None after printing why TVM refused it.

    With `threads`, a target without "num-cores" gets that many (MetaSchedule's schedules
    parallelise to it)."""
    import tvm

    if target_json == "host":
        from tvm.target import codegen

        spec = {"kind": "llvm", "mcpu": codegen.llvm_get_system_cpu()}
    else:
        spec = json.loads(target_json)
    if threads is not None and isinstance(spec, dict) and "num-cores" not in spec:
        spec["num-cores"] = threads
    try:
        return tvm.target.Target(spec)
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


def is_foreign(target):
    import platform

    arch = triple_arch(target)
    return arch is not None and arch != platform.machine()


def cross_compiler(target):
    """None for the host's architecture; else TVM's cross compiler around TRIPLE-g++, or a reason it is missing."""
    import shutil

    if not is_foreign(target):
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


def prepare(mod, params, target):
    """Parameters bound as constants, operators lowered to TIR and fused, weights marked layout-free.

    Tuning extracts its workloads from this module and building applies the database to it,
    so the two see the same TIR functions (the database's keys)."""
    import tvm
    from tvm import relax

    bound = {name: tvm.runtime.tensor(value) for name, value in params.items()}
    mod = relax.transform.BindParams("main", bound)(mod)
    with target:
        return tvm.transform.Sequential([
            relax.transform.DecomposeOpsForInference(),
            relax.transform.CanonicalizeBindings(),
            relax.transform.LegalizeOps(),
            relax.transform.AnnotateTIROpPattern(),
            relax.transform.FoldConstant(),
            relax.transform.FuseOps(),
            relax.transform.FuseTIR(),
            relax.transform.AttachAttrLayoutFreeBuffers(),
        ])(mod)


def prim_functions(mod):
    import tvm

    return [(gv.name_hint, f) for gv, f in mod.functions.items() if isinstance(f, tvm.tirx.PrimFunc)]


def workload_hashes(prepared, target):
    """The keys the tuning records file the module's workloads under (structural hashes)."""
    import tvm_ffi
    from tvm.s_tir import meta_schedule as ms

    tasks = ms.relax_integration.extract_tasks(prepared, target)
    return sorted(str(tvm_ffi.structural_hash(t.dispatched[0]) % (1 << 64)) for t in tasks)


def open_database(folder):
    from tvm.s_tir import meta_schedule as ms

    os.makedirs(folder, exist_ok=True)
    return ms.database.JSONDatabase(work_dir=folder)


def apply_database(mod, database, target):
    """Each workload the database holds gets its best schedule; weights are repacked at compile time."""
    import tvm
    from tvm import relax

    with target, database, tvm.transform.PassContext(opt_level=3):
        mod = relax.transform.MetaScheduleApplyDatabase()(mod)
        mod = relax.transform.SplitLayoutRewritePreproc()(mod)
        return relax.transform.FoldConstant()(mod)


def build(mod, params, target, out, database_dir):
    import tvm

    fcompile, missing = cross_compiler(target)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    mod = prepare(mod, params, target)
    workloads = len(prim_functions(mod))
    print("workload-hashes " + " ".join(workload_hashes(mod, target)), flush=True)
    tuned = 0
    if database_dir and os.path.exists(os.path.join(database_dir, "database_workload.json")):
        mod = apply_database(mod, open_database(database_dir), target)
        tuned = sum(1 for name, f in prim_functions(mod)
                    if not name.endswith("_weight_prepack") and f.attrs and f.attrs.get("tirx.is_scheduled", False))
    print(f"workloads {workloads} tuned {tuned}", flush=True)
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


def workload_build(mod, target, _params):
    """MetaSchedule's builder function, without the import of every tensor intrinsic (CUDA's
    among them) that its default makes each worker pay for: about 15-25 s per worker."""
    from tvm.driver import build as tvm_build
    from tvm.s_tir.transform import RemoveWeightLayoutRewriteBlock

    mod = RemoveWeightLayoutRewriteBlock(skip_tensor_rewrite=True)(mod)
    return tvm_build(mod, target=target)


# Trials each workload gets at least, and how many MetaSchedule measures per round.
MIN_TRIALS = 8
ROUND = 32


def allocate(tasks, flops, trials):
    """Trials per workload: the model's budget in proportion to each workload's share of the
    FLOPs (weighted by how often it occurs), in multiples of MIN_TRIALS and at least that."""
    total = sum(f * t.weight for t, f in zip(tasks, flops)) or 1.0
    plan = []
    for t, f in zip(tasks, flops):
        share = trials * f * t.weight / total
        plan.append(max(MIN_TRIALS, int(round(share / MIN_TRIALS)) * MIN_TRIALS))
    return plan


def measured(database, workload_mod):
    """(number of measured records, best mean seconds or None) of a workload in the database."""
    if not database.has_workload(workload_mod):
        return 0, None
    records = database.get_top_k(database.commit_workload(workload_mod), 1 << 20)
    if not records:
        return 0, None
    best = records[0].run_secs
    return len(records), (float(np.mean([float(s) for s in best])) if best else None)


def tune(mod, params, target, database_dir, summary_path, trials, time_budget, seed):
    """Tunes the workloads of `mod`, largest first, until each has its share of `trials` (counting
    what the database already holds, so a second run resumes) or `time_budget` seconds pass."""
    import fcntl
    import logging
    import tempfile

    from tvm.s_tir import meta_schedule as ms
    from tvm.s_tir.analysis import estimate_tir_flops
    from tvm.s_tir.meta_schedule.builder import LocalBuilder

    if is_foreign(target):
        print(f"tuning measures on this host, which cannot run code for {triple_arch(target)}: "
              f"tune for a target of this host's architecture", file=sys.stderr)
        return 2
    start = time.monotonic()
    # MetaSchedule logs every round's table at INFO on stdout, Yard's progress channel.
    logging.getLogger("tvm.s_tir.meta_schedule").setLevel(logging.WARNING)
    quiet = logging.getLogger("yard.tune")
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    if __name__ != "__main__":
        import cloudpickle  # the builder workers cannot import this file by name

        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    prepared = prepare(mod, params, target)
    tasks = ms.relax_integration.extract_tasks(prepared, target)
    flops = [float(estimate_tir_flops(t.dispatched[0])) for t in tasks]
    order = sorted(range(len(tasks)), key=lambda i: (-flops[i] * tasks[i].weight, tasks[i].task_name))
    tasks = [tasks[i] for i in order]
    flops = [flops[i] for i in order]
    plan = allocate(tasks, flops, trials)

    os.makedirs(database_dir, exist_ok=True)
    with open(os.path.join(database_dir, ".lock"), "w") as lock, tempfile.TemporaryDirectory() as work:
        fcntl.flock(lock, fcntl.LOCK_EX)
        database = open_database(database_dir)
        before = [measured(database, t.dispatched[0])[0] for t in tasks]
        todo = [max(0, p - b) for p, b in zip(plan, before)]
        total, done = sum(todo), 0
        print(f"progress 0 {total}", flush=True)
        builder = LocalBuilder(max_workers=max(1, int(target.attrs.get("num-cores", 1))),
                               timeout_sec=300, f_build=workload_build)
        learned = ms.cost_model.XGBModel(num_tuning_cores=1)
        stopped = False
        for i, task in enumerate(tasks):
            left = todo[i]
            # A workload given the minimum (a small share of the FLOPs, mostly elementwise) gets
            # random schedules from its design space: the evolutionary search costs seconds
            # per round in cost-model predictions, more than such a workload's trials.
            small = plan[i] <= MIN_TRIALS
            while left > 0 and not stopped:
                n = min(left, 2 * ROUND)
                context = ms.TuneContext(
                    mod=task.dispatched[0], target=target, space_generator="post-order-apply",
                    search_strategy="replay-trace" if small else "evolutionary", task_name=task.task_name,
                    logger=quiet,
                    rand_state=(seed * 1000003 + i * 7919 + left) % (1 << 31),
                    num_threads=1).clone()
                ms.tune_tasks(tasks=[context], task_weights=[float(task.weight)], work_dir=work,
                              max_trials_global=n, max_trials_per_task=n, num_trials_per_iter=min(n, ROUND),
                              builder=builder, database=database,
                              cost_model=ms.cost_model.RandomModel(seed=seed) if small else learned,
                              task_scheduler="round-robin")
                left -= n
                done += n
                print(f"progress {done} {total}", flush=True)
                stopped = time_budget is not None and time.monotonic() - start >= time_budget
        workloads = []
        for task, f, p, b in zip(tasks, flops, plan, before):
            count, best = measured(database, task.dispatched[0])
            workloads.append({"name": task.task_name, "flops": f, "weight": int(task.weight),
                              "planned": p, "before": b, "trials": count, "best_seconds": best})
    summary = {"workloads": workloads, "seconds": time.monotonic() - start, "stopped_by_time": stopped}
    tmp = summary_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(summary, f, indent=1)
    os.replace(tmp, summary_path)
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog="yard_tvm_build.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("check")
    c.add_argument("module")
    b = commands.add_parser("build")
    t = commands.add_parser("tune")
    for p in (b, t):
        p.add_argument("module")
        p.add_argument("params")
        p.add_argument("target")
    b.add_argument("out")
    b.add_argument("--database")
    t.add_argument("--database", required=True)
    t.add_argument("--summary", required=True)
    t.add_argument("--trials", type=int, default=1000)
    t.add_argument("--time-budget", type=float)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv[1:])
    with open(args.module) as f:
        source = f.read()
    try:
        mod = parse(source)
    except Exception as e:  # TVM reports parse errors as several exception types
        print(f"{args.module}: TVM refused the module: {e}", file=sys.stderr)
        return 2
    if args.command == "check":
        return 0
    target = make_target(args.target, args.threads if args.command == "tune" else None)
    if target is None:
        return 2
    if args.command == "build":
        return build(mod, read_params(args.params), target, args.out, args.database)
    return tune(mod, read_params(args.params), target, args.database, args.summary,
                args.trials, args.time_budget, args.seed)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
