"""Dumps ONNX backend-test models that use Yard's CNN op set as a line-based text file that
ir's OnnxBackendShapesTest reads: graph structure, small constants, the output types the
models declare (ground truth from running them) and what onnx.shape_inference infers for
intermediate values. Run with the venv that has onnx:

    python dump_onnx_shapes.py /usr/share/libonnx-testdata/data OUT.txt COVERED_OPS...
"""
import glob
import os
import sys

import onnx
from onnx import helper, numpy_helper, shape_inference

SMALL = 64


def shape_text(tt):
    if not tt.HasField("shape"):
        return "*"
    dims = []
    for d in tt.shape.dim:
        if d.HasField("dim_value"):
            dims.append(str(d.dim_value))
        elif d.HasField("dim_param") and d.dim_param:
            dims.append("S_" + d.dim_param.replace(",", "_").replace(" ", "_"))
        else:
            dims.append("?")
    return ",".join(dims) if dims else "-"


def type_text(vi):
    t = vi.type
    if not t.HasField("tensor_type"):
        return None
    tt = t.tensor_type
    return "%d\t%s" % (tt.elem_type, shape_text(tt))


def tensor_text(t):
    arr = numpy_helper.to_array(t)
    dims = ",".join(str(d) for d in t.dims) or "-"
    vals = "~"
    if arr.size <= SMALL and t.data_type not in (onnx.TensorProto.STRING,):
        vals = ",".join(repr(float(x)) if arr.dtype.kind == "f" else str(int(x)) for x in arr.flatten()) or "-"
    return "%d\t%s\t%s" % (t.data_type, dims, vals)


def attr_text(a):
    k = a.type
    A = onnx.AttributeProto
    if k == A.INT:
        return "%s=i:%d" % (a.name, a.i)
    if k == A.FLOAT:
        return "%s=f:%r" % (a.name, a.f)
    if k == A.STRING:
        return "%s=s:%s" % (a.name, a.s.decode("utf-8", "replace").replace("\t", " ") or "")
    if k == A.INTS:
        return "%s=is:%s" % (a.name, ",".join(str(x) for x in a.ints))
    if k == A.FLOATS:
        return "%s=fs:%s" % (a.name, ",".join(repr(x) for x in a.floats))
    if k == A.TENSOR:
        return "%s=t:%s" % (a.name, tensor_text(a.t).replace("\t", ":"))
    if k == A.STRINGS:
        return "%s=ss:%d" % (a.name, len(a.strings))
    return None


def usable(model, covered):
    ops = set()
    for n in model.graph.node:
        if n.domain not in ("", "ai.onnx"):
            return False
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in n.attribute):
            return False
        ops.add(n.op_type)
    return bool(ops & covered)


def main():
    root, out_path = sys.argv[1], sys.argv[2]
    covered = set(sys.argv[3:])
    lines = []
    count = 0
    for path in sorted(glob.glob(os.path.join(root, "*", "*", "model.onnx"))):
        try:
            m = onnx.load(path)
        except Exception:
            continue
        if not usable(m, covered) or m.functions:
            continue
        opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
        if not opset:
            continue
        try:
            inferred = shape_inference.infer_shapes(m, strict_mode=False)
        except Exception:
            inferred = m
        g = m.graph
        lines.append("model\t" + os.path.relpath(os.path.dirname(path), root))
        lines.append("opset\t%d" % opset[0])
        inits = {t.name for t in g.initializer}
        for vi in g.input:
            if vi.name in inits:
                continue
            tt = type_text(vi)
            lines.append("input\t%s\t%s" % (vi.name, tt if tt else "0\t*"))
        for t in g.initializer:
            lines.append("init\t%s\t%s" % (t.name, tensor_text(t)))
        for n in g.node:
            attrs = [x for x in (attr_text(a) for a in n.attribute) if x is not None]
            lines.append("\t".join(["node", n.op_type, n.name or "-", ",".join(i or "~" for i in n.input) or "-",
                                    ",".join(o or "~" for o in n.output)] + attrs))
        for vi in g.output:
            tt = type_text(vi)
            if tt:
                lines.append("expect\t%s\t%s" % (vi.name, tt))
        outs = {vi.name for vi in g.output}
        for vi in inferred.graph.value_info:
            tt = type_text(vi)
            if tt and vi.name not in outs:
                lines.append("onnx\t%s\t%s" % (vi.name, tt))
        lines.append("end")
        count += 1
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("dumped %d models" % count)


if __name__ == "__main__":
    main()
