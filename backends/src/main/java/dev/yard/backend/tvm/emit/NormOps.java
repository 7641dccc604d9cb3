package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * BatchNormalization (inference form) to {@code R.nn.batch_norm}; InstanceNormalization;
 * LayerNormalization (to {@code R.nn.layer_norm}, or spelled out when its statistics are
 * outputs too); MeanVarianceNormalization; LRN (a sum of shifted channel slices); Softmax,
 * LogSoftmax and Hardmax,
 * with the opset-12-and-earlier meaning (flatten to 2-D at the axis) kept exactly.
 */
final class NormOps {
    private NormOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("InstanceNormalization", NormOps::instanceNorm);
        rules.put("BatchNormalization", NormOps::batchNorm);
        rules.put("LayerNormalization", NormOps::layerNorm);
        rules.put("MeanVarianceNormalization", NormOps::meanVariance);
        rules.put("LRN", NormOps::lrn);
        rules.put("Softmax", (n, cx) -> softmax(n, cx, "R.nn.softmax"));
        rules.put("LogSoftmax", (n, cx) -> softmax(n, cx, "R.nn.log_softmax"));
        rules.put("Hardmax", NormOps::hardmax);
    }

    private static void batchNorm(Node n, EmitContext cx) {
        if (n.outputs().stream().skip(1).anyMatch(v -> v != null)) {
            throw cx.unsupported("BatchNormalization in training mode (running statistics outputs) is not supported");
        }
        Value x = n.input(0);
        Value y = n.output(0);
        long c = cx.dims(x)[1];
        String stat = EmitContext.tensorType(new long[] {c}, cx.dtype(n.input(3)));
        String tupleType = "R.Tuple(" + cx.type(y) + ", " + stat + ", " + stat + ")";
        String bn = cx.tempTuple(
                y,
                "bn",
                tupleType,
                "R.nn.batch_norm(" + cx.use(x) + ", " + cx.use(n.input(1)) + ", "
                        + cx.use(n.input(2)) + ", " + cx.use(n.input(3)) + ", " + cx.use(n.input(4))
                        + ", axis=1, epsilon="
                        + EmitContext.floatLiteral(n.floatAttr("epsilon", 1e-5f))
                        + ", center=True, scale=True, training=False)");
        cx.bind(y, bn + "[0]");
    }

    /** InstanceNormalization over the spatial axes of each channel: {@code R.nn.instance_norm}. */
    private static void instanceNorm(Node n, EmitContext cx) {
        int rank = cx.rank(n.input(0));
        long[] axes = new long[rank - 2];
        for (int i = 2; i < rank; i++) {
            axes[i - 2] = i;
        }
        cx.bind(
                n.output(0),
                "R.nn.instance_norm(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ", " + cx.use(n.input(2))
                        + ", channel_axis=1, axes=" + EmitContext.list(axes) + ", epsilon="
                        + EmitContext.floatLiteral(n.floatAttr("epsilon", 1e-5f)) + ")");
    }

    /**
     * LayerNormalization over the axes from {@code axis} on. With a bias of the normalised shape
     * and no statistics asked for, {@code R.nn.layer_norm}; otherwise mean, centred variance and
     * its reciprocal square root spelled out, which also gives the Mean and InvStdDev outputs.
     */
    private static void layerNorm(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(x);
        int rank = d.length;
        int axis = EmitContext.axis(n.intAttr("axis", -1), rank);
        long[] axes = new long[rank - axis];
        long[] kept = d.clone();
        for (int i = axis; i < rank; i++) {
            axes[i - axis] = i;
            kept[i] = 1;
        }
        long[] normalised = java.util.Arrays.copyOfRange(d, axis, rank);
        String eps = EmitContext.floatLiteral(n.floatAttr("epsilon", 1e-5f));
        Value scale = n.input(1);
        Value bias = n.inputs().size() > 2 ? n.input(2) : null;
        boolean statistics = n.outputs().stream().skip(1).anyMatch(v -> v != null);
        if (!statistics
                && bias != null
                && java.util.Arrays.equals(cx.dims(scale), normalised)
                && java.util.Arrays.equals(cx.dims(bias), normalised)) {
            cx.bind(
                    y,
                    "R.nn.layer_norm(" + cx.use(x) + ", " + cx.use(scale) + ", " + cx.use(bias) + ", axes="
                            + EmitContext.list(axes) + ", epsilon=" + eps + ", center=True, scale=True)");
            return;
        }
        DType t = cx.dtype(x);
        String axisList = EmitContext.list(axes);
        String mean = cx.temp(y, "mean", kept, t, "R.mean(" + cx.use(x) + ", axis=" + axisList + ", keepdims=True)");
        String centred = cx.temp(y, "centred", d, t, "R.subtract(" + cx.use(x) + ", " + mean + ")");
        String variance =
                cx.temp(y, "var", kept, t, "R.mean(R.square(" + centred + "), axis=" + axisList + ", keepdims=True)");
        String inv = cx.temp(
                y,
                "inv_std",
                kept,
                t,
                "R.rsqrt(R.add(" + variance + ", " + cx.scalar(n.floatAttr("epsilon", 1e-5f), x) + "))");
        String normed = cx.temp(y, "normed", d, t, "R.multiply(" + centred + ", " + inv + ")");
        String scaled = "R.multiply(" + normed + ", " + cx.use(scale) + ")";
        if (bias == null) {
            cx.bind(y, scaled);
        } else {
            cx.bind(y, "R.add(" + cx.temp(y, "scaled", d, t, scaled) + ", " + cx.use(bias) + ")");
        }
        bindStatistic(n, cx, 1, mean);
        bindStatistic(n, cx, 2, inv);
    }

    /** MeanVarianceNormalization over {@code axes} (default N, H, W): (x - mean) / (std + 1e-9), as ONNX Runtime computes it. */
    private static void meanVariance(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(x);
        long[] axes = n.intsAttr("axes");
        if (axes == null) {
            axes = new long[] {0, 2, 3};
        }
        long[] kept = d.clone();
        for (int i = 0; i < axes.length; i++) {
            axes[i] = EmitContext.axis(axes[i], d.length);
            kept[(int) axes[i]] = 1;
        }
        DType t = cx.dtype(x);
        String axisList = EmitContext.list(axes);
        String mean = cx.temp(y, "mean", kept, t, "R.mean(" + cx.use(x) + ", axis=" + axisList + ", keepdims=True)");
        String centred = cx.temp(y, "centred", d, t, "R.subtract(" + cx.use(x) + ", " + mean + ")");
        String std = cx.temp(
                y, "std", kept, t, "R.sqrt(R.mean(R.square(" + centred + "), axis=" + axisList + ", keepdims=True))");
        cx.bind(y, "R.divide(" + centred + ", R.add(" + std + ", " + cx.scalar(1e-9f, x) + "))");
    }

    /**
     * LRN across channels: x / (bias + alpha / size * s)^beta with s the sum of squares over the
     * window of {@code size} channels around each (floor((size-1)/2) before, the rest after),
     * summed as shifted slices of the zero-padded squares.
     */
    private static void lrn(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(x);
        long size = n.intAttr("size", 0);
        if (d.length < 3 || size < 1) {
            throw cx.unsupported("LRN needs an input of rank 3 or more and a size of at least 1");
        }
        DType t = cx.dtype(x);
        long before = (size - 1) / 2;
        long[] width = new long[2 * d.length];
        width[2] = before;
        width[3] = size - 1 - before;
        long[] padded = d.clone();
        padded[1] += size - 1;
        String sq = cx.temp(
                y,
                "sq",
                padded,
                t,
                "R.nn.pad(R.square(" + cx.use(x) + "), pad_width=" + EmitContext.list(width)
                        + ", pad_mode=\"constant\", pad_value=0.0)");
        String sum = null;
        for (long i = 0; i < size; i++) {
            String slice =
                    "R.strided_slice(" + sq + ", axes=[1], begin=[" + i + "], end=[" + (i + d[1]) + "], strides=[1])";
            sum = sum == null
                    ? cx.temp(y, "win" + i, d, t, slice)
                    : cx.temp(y, "win" + i, d, t, "R.add(" + sum + ", " + slice + ")");
        }
        float alpha = n.floatAttr("alpha", 1e-4f);
        String base = cx.temp(
                y,
                "base",
                d,
                t,
                "R.add(R.multiply(" + sum + ", " + cx.scalar(alpha / size, x) + "), "
                        + cx.scalar(n.floatAttr("bias", 1f), x) + ")");
        cx.bind(
                y,
                "R.divide(" + cx.use(x) + ", R.power(" + base + ", " + cx.scalar(n.floatAttr("beta", 0.75f), x) + "))");
    }

    /** Binds optional output {@code i} to {@code var}, cast to the output's type (ONNX's stash_type) when it differs. */
    private static void bindStatistic(Node n, EmitContext cx, int i, String var) {
        Value out = n.outputs().size() > i ? n.output(i) : null;
        if (out == null) {
            return;
        }
        DType t = cx.dtype(out);
        cx.bind(out, t == cx.dtype(n.input(0)) ? var : "R.astype(" + var + ", dtype=\"" + t.tvmName() + "\")");
    }

    /** An op along one axis: the expression over {@code in}, of dims {@code d}, along {@code axis} (may bind temporaries). */
    private interface AlongAxis {
        String apply(String in, long[] d, int axis);
    }

    private static void softmax(Node n, EmitContext cx, String op) {
        alongAxis(
                n, cx, op.substring(op.lastIndexOf('.') + 1), (in, d, axis) -> op + "(" + in + ", axis=" + axis + ")");
    }

    /** Hardmax: 1 at the first maximum along the axis, 0 elsewhere (an argmax made one-hot). */
    private static void hardmax(Node n, EmitContext cx) {
        Value y = n.output(0);
        DType t = cx.dtype(y);
        alongAxis(n, cx, "hardmax", (in, d, axis) -> {
            int a = EmitContext.axis(axis, d.length);
            long[] reduced = new long[d.length - 1];
            for (int i = 0, j = 0; i < d.length; i++) {
                if (i != a) {
                    reduced[j++] = d[i];
                }
            }
            String index =
                    cx.temp(y, "argmax", reduced, DType.INT64, "R.argmax(" + in + ", axis=" + a + ", keepdims=False)");
            String one = "R.prim_value(T." + t.tvmName() + "(1))";
            String zero = "R.prim_value(T." + t.tvmName() + "(0))";
            return "R.one_hot(" + index + ", " + one + ", " + zero + ", depth=" + d[a] + ", axis=" + a + ")";
        });
    }

    /**
     * Binds {@code f} along the node's axis. Before opset 13 (Softmax, LogSoftmax, Hardmax) the
     * input is flattened to [prod(d[:axis]), prod(d[axis:])] first and the op runs along axis 1.
     */
    private static void alongAxis(Node n, EmitContext cx, String suffix, AlongAxis f) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(x);
        int rank = d.length;
        boolean legacy = cx.opset() < 13;
        int axis = EmitContext.axis(n.intAttr("axis", legacy ? 1 : -1), rank);
        if (!legacy || axis == rank - 1) {
            cx.bind(y, f.apply(cx.use(x), d, legacy ? -1 : axis));
            return;
        }
        long rows = 1;
        long cols = 1;
        for (int i = 0; i < rank; i++) {
            if (i < axis) {
                rows *= d[i];
            } else {
                cols *= d[i];
            }
        }
        long[] flat = {rows, cols};
        String fl = cx.temp(
                y, "flat", flat, cx.dtype(x), "R.reshape(" + cx.use(x) + ", R.shape(" + EmitContext.list(flat) + "))");
        String s = cx.temp(y, suffix, flat, cx.dtype(y), f.apply(fl, flat, 1));
        cx.bind(y, "R.reshape(" + s + ", R.shape(" + EmitContext.list(d) + "))");
    }
}
