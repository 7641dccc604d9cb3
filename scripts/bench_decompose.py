"""The Python half of scripts/bench-decompose: writes the seeded weights both sides read, times
NumPy and TensorLy on them, and merges both sides' results into one markdown table."""
import json, os, statistics, sys, time
from pathlib import Path
import numpy as np

# (method, shape, ranks, repeats). Ranks: svd [R]; tucker2 [Rout, Rin]; cp [R]; tt [r1, r2, r3]; btd [Rout, Rin, G].
CASES = [
    ("svd", [2048, 512, 1, 1], [128], 5),
    ("svd", [4096, 25088], [256], 1),
    ("tucker2", [64, 64, 3, 3], [32, 32], 5),
    ("tucker2", [256, 256, 3, 3], [64, 64], 3),
    ("tucker2", [256, 256, 3, 3], [128, 128], 3),
    ("tucker2", [512, 512, 3, 3], [128, 128], 3),
    ("btd", [256, 256, 3, 3], [128, 128, 4], 3),
    ("cp", [64, 64, 3, 3], [32], 3),
    ("cp", [256, 256, 3, 3], [128], 3),
    ("cp", [512, 512, 3, 3], [256], 1),
    ("tt", [256, 256, 3, 3], [64, 96, 64], 3),
    ("tt", [512, 512, 3, 3], [128, 192, 128], 3),
]
TUCKER_ITERS, CP_ITERS = 10, 25
# TensorLy takes over 10 minutes here: skipped unless BENCH_SLOW=1.
TOO_SLOW = {("cp", "512x512x3x3")}


def name(shape):
    return "x".join(map(str, shape))


def generate(d: Path):
    """Kernels whose channel spectra decay like trained weights: a scaled Gaussian core times
    random orthogonal factors on both channel modes; the Gemm is U diag(i^-0.8) V."""
    rng = np.random.default_rng(2024)
    for shape in sorted({tuple(c[1]) for c in CASES}):
        f = d / (name(shape) + ".f32")
        if f.exists():
            continue
        if len(shape) == 2:
            n, m = shape
            k = min(n, m)
            u = rng.standard_normal((n, k)) / np.sqrt(n)
            v = rng.standard_normal((k, m)) / np.sqrt(m)
            w = (u * (1.0 + np.arange(k)) ** -0.8) @ v
        else:
            cout, cin, kh, kw = shape
            core = rng.standard_normal(shape) * ((1.0 + np.arange(cout)) ** -0.8)[:, None, None, None] \
                * ((1.0 + np.arange(cin)) ** -0.6)[None, :, None, None]
            qo, _ = np.linalg.qr(rng.standard_normal((cout, cout)))
            qi, _ = np.linalg.qr(rng.standard_normal((cin, cin)))
            w = np.einsum("oa,abhw,ib->oihw", qo, core, qi, optimize=True)
        w.astype("<f4").tofile(f)


def load(d: Path, shape):
    return np.fromfile(d / (name(shape) + ".f32"), dtype="<f4").astype(np.float64).reshape(shape)


def rel(w, approx):
    return float(np.linalg.norm(w - approx) / np.linalg.norm(w))


def run_python(d: Path, only=None):
    import tensorly as tl
    from tensorly.decomposition import parafac, partial_tucker, tensor_train
    tl.set_backend("numpy")
    for method, shape, ranks, repeats in CASES:
        if method == "btd":
            continue  # TensorLy has no block-term Tucker
        key = f"{method}:{name(shape)}"
        if only and key not in only and f"{key}:{','.join(map(str, ranks))}" not in only:
            continue
        if (method, name(shape)) in TOO_SLOW and not os.environ.get("BENCH_SLOW"):
            print(f"{method} {name(shape)}: not run (over 10 minutes; BENCH_SLOW=1 runs it)", file=sys.stderr)
            continue
        w = load(d, shape)
        if method == "svd":
            m = w.reshape(shape[0], -1)
            def job():
                u, s, vt = np.linalg.svd(m, full_matrices=False)
                return (u[:, :ranks[0]] * s[:ranks[0]]) @ vt[:ranks[0]]
            reconstruct = lambda out: out.reshape(shape)
            label = "numpy.linalg.svd"
        elif method == "tucker2":
            def job():
                (core, factors), _ = partial_tucker(w, rank=ranks, modes=[0, 1], n_iter_max=TUCKER_ITERS, init="svd", tol=1e-5)
                return core, factors
            reconstruct = lambda out: tl.tenalg.multi_mode_dot(out[0], out[1], modes=[0, 1])
            label = "tensorly partial_tucker"
        elif method == "cp":
            def job():
                # init="svd" would take a full SVD (full_matrices=True) of the 3 x (Cout·Cin·kw)
                # unfolding when R > 3: 288 GiB at [512,512,3,3]. Random init is what works.
                return parafac(w, rank=ranks[0], n_iter_max=CP_ITERS, init="random", tol=0, random_state=0)
            reconstruct = lambda out: tl.cp_to_tensor(out)
            label = "tensorly parafac"
        elif method == "tt":
            t = np.ascontiguousarray(w.transpose(1, 2, 3, 0))  # modes (Cin, kh, kw, Cout)
            def job():
                return tensor_train(t, rank=[1] + ranks + [1])
            reconstruct = lambda out: tl.tt_to_tensor(out).transpose(3, 0, 1, 2)
            label = "tensorly tensor_train"
        times = []
        out = None
        try:
            for _ in range(repeats):
                t0 = time.perf_counter()
                out = job()
                times.append(time.perf_counter() - t0)
        except (MemoryError, np.linalg.LinAlgError) as e:
            print(f"{method} {name(shape)}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        print(json.dumps({"method": method, "shape": name(shape), "ranks": ranks, "ms": statistics.median(times) * 1e3,
                          "runs": repeats, "error": rel(w, reconstruct(out)), "impl": label}), flush=True)


def table(java_file: Path, py_file: Path):
    def read(p):
        rows = {}
        for line in p.read_text().splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                rows[(r["method"], r["shape"], tuple(r["ranks"]))] = r
        return rows
    yard, theirs = read(java_file), read(py_file)
    print("| method | shape | ranks | Yard ms | NumPy/TensorLy ms | ratio (theirs/Yard) | Yard rel. error | theirs rel. error | counterpart |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for method, shape, ranks, _ in CASES:
        key = (method, name(shape), tuple(ranks))
        y, t = yard.get(key), theirs.get(key)
        if not y and not t:
            continue  # not selected in this run
        ym = f"{y['ms']:.0f}" if y else "-"
        tm = f"{t['ms']:.0f}" if t else "-"
        ratio = f"{t['ms'] / y['ms']:.2f}" if y and t else "-"
        ye = f"{y['error']:.5f}" if y else "-"
        te = f"{t['error']:.5f}" if t else "-"
        impl = (t["impl"] if t else "none") + (f"; Yard: {y['impl']}" if y else "")
        print(f"| {method} | {name(shape)} | {','.join(map(str, ranks))} | {ym} | {tm} | {ratio} | {ye} | {te} | {impl} |")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "generate":
        generate(Path(args[0]))
    elif cmd == "run":
        run_python(Path(args[0]), set(args[1:]))
    elif cmd == "cases":
        for method, shape, ranks, repeats in CASES:
            print(method, ",".join(map(str, shape)), ",".join(map(str, ranks)), repeats)
    elif cmd == "table":
        table(Path(args[0]), Path(args[1]))
