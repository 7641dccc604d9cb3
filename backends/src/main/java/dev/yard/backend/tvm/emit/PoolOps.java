package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * MaxPool and AveragePool (2-D, NCHW) to {@code R.nn.max_pool2d} / {@code R.nn.avg_pool2d}
 * with pads, strides, dilations, ceil_mode and count_include_pad; the global pools to a
 * mean or max over H and W that keeps the dimensions.
 */
final class PoolOps {
    private PoolOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("MaxPool", (n, cx) -> pool(n, cx, "R.nn.max_pool2d"));
        rules.put("AveragePool", (n, cx) -> pool(n, cx, "R.nn.avg_pool2d"));
        rules.put("GlobalAveragePool", (n, cx) -> global(n, cx, "R.mean"));
        rules.put("GlobalMaxPool", (n, cx) -> global(n, cx, "R.max"));
    }

    private static void pool(Node n, EmitContext cx, String op) {
        Value x = n.input(0);
        Value y = n.output(0);
        if (n.outputs().size() > 1 && n.output(1) != null) {
            throw cx.unsupported("MaxPool's Indices output is not supported");
        }
        long[] xd = cx.dims(x);
        if (xd.length != 4) {
            throw cx.unsupported("only 2-D pooling (rank-4 input) is supported, this one has rank " + xd.length);
        }
        long[] kernel = n.intsAttr("kernel_shape");
        long[] strides = n.intsAttr("strides") != null ? n.intsAttr("strides") : new long[] {1, 1};
        long[] dilations = n.intsAttr("dilations") != null ? n.intsAttr("dilations") : new long[] {1, 1};
        long[] pads = ConvOps.pads(n, xd, kernel, strides, dilations);
        boolean ceil = n.intAttr("ceil_mode", 0) != 0;
        StringBuilder e = new StringBuilder(op)
                .append('(')
                .append(cx.use(x))
                .append(", pool_size=")
                .append(EmitContext.list(kernel))
                .append(", strides=")
                .append(EmitContext.list(strides))
                .append(", padding=")
                .append(EmitContext.list(pads))
                .append(", dilation=")
                .append(EmitContext.list(dilations))
                .append(", ceil_mode=")
                .append(ceil ? "True" : "False");
        if (n.is("AveragePool")) {
            e.append(", count_include_pad=").append(n.intAttr("count_include_pad", 0) != 0 ? "True" : "False");
        }
        cx.bind(y, e.append(", layout=\"NCHW\")").toString());
    }

    private static void global(Node n, EmitContext cx, String op) {
        Value x = n.input(0);
        int rank = cx.rank(x);
        long[] axes = new long[rank - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        cx.bind(n.output(0), op + "(" + cx.use(x) + ", axis=" + EmitContext.list(axes) + ", keepdims=True)");
    }
}
