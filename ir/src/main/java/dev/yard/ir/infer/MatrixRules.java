package dev.yard.ir.infer;

import dev.yard.ir.Dim;
import dev.yard.ir.Shape;
import dev.yard.ir.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Gemm, MatMul and the normalisations whose statistics have per-channel shapes. */
final class MatrixRules implements RuleFamily {

    @Override
    public void register(Map<String, ShapeRule> rules) {
        rules.put("Gemm", MatrixRules::gemm);
        rules.put("MatMul", MatrixRules::matmul);
        rules.put("MatMulInteger", c -> {
            ValueType.TensorType t = (ValueType.TensorType) matmul(c).get(0);
            return NodeContext.one(dev.yard.ir.ElementType.INT32, t.shape());
        });
        rules.put("BatchNormalization", MatrixRules::batchNorm);
        rules.put("LayerNormalization", MatrixRules::layerNorm);
    }

    private static List<ValueType> gemm(NodeContext c) {
        Shape a = c.shape(0);
        Shape b = c.shape(1);
        if (a != null && a.rank() != 2 || b != null && b.rank() != 2) {
            throw c.error("Gemm needs 2-D A and B, got " + a + " and " + b);
        }
        boolean ta = c.intAttr("transA", 0) != 0;
        boolean tb = c.intAttr("transB", 0) != 0;
        Dim m = a == null ? Dim.UNKNOWN : a.dim(ta ? 1 : 0);
        Dim n = b == null ? Dim.UNKNOWN : b.dim(tb ? 0 : 1);
        if (a != null && b != null) {
            Dims.unify(a.dim(ta ? 0 : 1), b.dim(tb ? 1 : 0), "inner dimensions of A and B differ");
        }
        Shape out = Shape.of(m, n);
        if (c.has(2) && c.shape(2) != null) {
            // C broadcasts onto (M, N) one way only, so the result keeps (M, N) but C may pin it.
            Shape bc = Dims.broadcast(List.of(out, c.shape(2)));
            if (bc.rank() != 2) {
                throw c.error("C " + c.shape(2) + " does not broadcast to a matrix");
            }
            out = bc;
        }
        return NodeContext.one(c.elem(0), out);
    }

    private static List<ValueType> matmul(NodeContext c) {
        Shape a = c.shape(0);
        Shape b = c.shape(1);
        if (a == null || b == null) {
            return NodeContext.one(c.elem(0), null);
        }
        if (a.rank() == 0 || b.rank() == 0) {
            throw c.error("MatMul does not take scalars");
        }
        // 1-D operands act as a row (A) or column (B) vector whose extra axis is then dropped.
        List<Dim> da = new ArrayList<>(a.dims());
        List<Dim> db = new ArrayList<>(b.dims());
        boolean aVec = da.size() == 1;
        boolean bVec = db.size() == 1;
        if (aVec) {
            da.add(0, Dim.of(1));
        }
        if (bVec) {
            db.add(Dim.of(1));
        }
        Dims.unify(da.get(da.size() - 1), db.get(db.size() - 2), "inner dimensions of A and B differ");
        Shape batch = Dims.broadcast(
                List.of(new Shape(da.subList(0, da.size() - 2)), new Shape(db.subList(0, db.size() - 2))));
        List<Dim> out = new ArrayList<>(batch.dims());
        if (!aVec) {
            out.add(da.get(da.size() - 2));
        }
        if (!bVec) {
            out.add(db.get(db.size() - 1));
        }
        return NodeContext.one(c.elem(0), new Shape(out));
    }

    private static List<ValueType> batchNorm(NodeContext c) {
        Shape x = c.shape(0);
        Dim ch = x != null && x.rank() >= 2 ? x.dim(1) : Dim.UNKNOWN;
        for (int i = 1; i < Math.min(5, c.inputCount()); i++) {
            Shape p = c.shape(i);
            if (p != null && p.rank() == 1) {
                ch = Dims.unify(ch, p.dim(0), "per-channel input " + i + " does not match the channel count");
            }
        }
        List<ValueType> out = new ArrayList<>();
        out.add(NodeContext.tensor(c.elem(0), x));
        // Training-mode outputs (running and saved statistics) are all per channel.
        ValueType stat = NodeContext.tensor(c.has(1) ? c.elem(1) : c.elem(0), Shape.of(ch));
        for (int i = 1; i < c.node().outputs().size(); i++) {
            out.add(stat);
        }
        return out;
    }

    private static List<ValueType> layerNorm(NodeContext c) {
        Shape x = c.shape(0);
        List<ValueType> out = new ArrayList<>();
        out.add(NodeContext.tensor(c.elem(0), x));
        if (x != null) {
            int axis = c.axis(c.intAttr("axis", -1), x.rank());
            List<Dim> stat = new ArrayList<>(x.dims());
            for (int i = axis; i < stat.size(); i++) {
                stat.set(i, Dim.of(1));
            }
            long stash = c.intAttr("stash_type", 1);
            ValueType st = NodeContext.tensor(dev.yard.ir.ElementType.fromCode((int) stash), new Shape(stat));
            out.add(st);
            out.add(st);
        }
        return out;
    }
}
