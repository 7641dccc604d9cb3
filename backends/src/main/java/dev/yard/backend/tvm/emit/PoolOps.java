package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * MaxPool and AveragePool (1-D, 2-D or 3-D, channels first) to {@code R.nn.max_pool2d} / {@code R.nn.avg_pool2d} and their 1-D and 3-D forms
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
        int k = xd.length - 2;
        if (k < 1 || k > 3) {
            throw cx.unsupported(
                    "only 1-D, 2-D and 3-D pooling (rank 3 to 5) is supported, this one has rank " + xd.length);
        }
        long[] kernel = n.intsAttr("kernel_shape");
        long[] strides = orOnes(n.intsAttr("strides"), k);
        long[] dilations = orOnes(n.intsAttr("dilations"), k);
        long[] pads = ConvOps.pads(n, xd, kernel, strides, dilations);
        boolean ceil = n.intAttr("ceil_mode", 0) != 0;
        StringBuilder e = new StringBuilder(op.replace("2d", k + "d"))
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
        String layout = switch (k) {
            case 1 -> "NCW";
            case 2 -> "NCHW";
            default -> "NCDHW";
        };
        cx.bind(y, e.append(", layout=\"").append(layout).append("\")").toString());
    }

    private static long[] orOnes(long[] v, int k) {
        if (v != null && v.length > 0) {
            return v;
        }
        long[] ones = new long[k];
        java.util.Arrays.fill(ones, 1);
        return ones;
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
