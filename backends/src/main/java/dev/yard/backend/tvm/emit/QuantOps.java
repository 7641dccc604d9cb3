package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Arrays;
import java.util.Map;

/**
 * Linear quantization, spelled out in f32: DequantizeLinear ((x - zero point) * scale),
 * QuantizeLinear (x / scale rounded half to even, plus the zero point, saturated), both per
 * tensor or per axis; DynamicQuantizeLinear; MatMulInteger and ConvInteger in int32 after subtracting the zero points. Also the
 * window functions HannWindow, HammingWindow and BlackmanWindow over {@code R.arange}.
 */
final class QuantOps {
    private QuantOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("DequantizeLinear", QuantOps::dequantize);
        rules.put("QuantizeLinear", QuantOps::quantize);
        rules.put("DynamicQuantizeLinear", QuantOps::dynamicQuantize);
        rules.put("MatMulInteger", QuantOps::matMulInteger);
        rules.put("ConvInteger", QuantOps::convInteger);
        rules.put("HannWindow", (n, cx) -> window(n, cx, 0.5, 0.5, 0));
        rules.put("HammingWindow", (n, cx) -> window(n, cx, 25.0 / 46, 21.0 / 46, 0));
        rules.put("BlackmanWindow", (n, cx) -> window(n, cx, 0.42, 0.5, 0.08));
    }

    private static Value in(Node n, int i) {
        return n.inputs().size() > i ? n.input(i) : null;
    }

    /** {@code v} as {@code t}, shaped to broadcast along {@code axis} of a rank-{@code rank} tensor when it is 1-D and the tensor is not. */
    private static String operand(Node n, EmitContext cx, Value v, DType t, int rank, int axis, String suffix) {
        long[] d = cx.dims(v);
        String e = cx.use(v);
        if (cx.dtype(v) != t) {
            e = cx.temp(n.output(0), suffix, d, t, "R.astype(" + e + ", dtype=\"" + t.tvmName() + "\")");
        }
        if (d.length == 1 && rank > 1 && d[0] > 1) {
            long[] shaped = new long[rank - axis];
            Arrays.fill(shaped, 1);
            shaped[0] = d[0];
            e = cx.temp(
                    n.output(0),
                    suffix + "_axis",
                    shaped,
                    t,
                    "R.reshape(" + e + ", R.shape(" + EmitContext.list(shaped) + "))");
        }
        return e;
    }

    private static void dequantize(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        DType f = cx.dtype(y);
        int rank = cx.rank(x);
        int axis = EmitContext.axis(n.intAttr("axis", 1), rank);
        String xf = cx.temp(y, "x", cx.dims(x), f, "R.astype(" + cx.use(x) + ", dtype=\"" + f.tvmName() + "\")");
        if (in(n, 2) != null) {
            String zp = operand(n, cx, n.input(2), f, rank, axis, "zp");
            xf = cx.temp(y, "centred", cx.dims(x), f, "R.subtract(" + xf + ", " + zp + ")");
        }
        cx.bind(y, "R.multiply(" + xf + ", " + operand(n, cx, n.input(1), f, rank, axis, "scale") + ")");
    }

    private static void quantize(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        DType q = cx.dtype(y);
        long lo;
        long hi;
        switch (q) {
            case UINT8 -> {
                lo = 0;
                hi = 255;
            }
            case INT8 -> {
                lo = -128;
                hi = 127;
            }
            default -> throw cx.unsupported("QuantizeLinear to " + q.tvmName() + " is not supported");
        }
        DType f = DType.FLOAT32;
        long[] d = cx.dims(x);
        int rank = d.length;
        int axis = EmitContext.axis(n.intAttr("axis", 1), rank);
        String xf =
                cx.dtype(x) == f ? cx.use(x) : cx.temp(y, "x", d, f, "R.astype(" + cx.use(x) + ", dtype=\"float32\")");
        String scale = operand(n, cx, n.input(1), f, rank, axis, "scale");
        String zp = in(n, 2) != null ? operand(n, cx, n.input(2), f, rank, axis, "zp") : null;
        cx.bind(y, "R.astype(" + saturated(cx, y, d, xf, scale, zp, lo, hi) + ", dtype=\"" + q.tvmName() + "\")");
    }

    /** clip(round_half_even(x / scale) + zp, lo, hi) in f32, bound to temporaries named after {@code y}. */
    private static String saturated(
            EmitContext cx, Value y, long[] d, String x, String scale, String zp, long lo, long hi) {
        DType f = DType.FLOAT32;
        String scaled = cx.temp(y, "scaled", d, f, "R.divide(" + x + ", " + scale + ")");
        String rounded = halfToEven(cx, y, d, scaled);
        if (zp != null) {
            rounded = cx.temp(y, "shifted", d, f, "R.add(" + rounded + ", " + zp + ")");
        }
        return cx.temp(
                y, "clipped", d, f, "R.clip(" + rounded + ", R.prim_value(" + lo + ".0), R.prim_value(" + hi + ".0))");
    }

    /** Rounds half to even, as ONNX's quantizers do: the floor, plus one above the half, plus the floor's parity at it. */
    private static String halfToEven(EmitContext cx, Value y, long[] d, String v) {
        DType f = DType.FLOAT32;
        String fl = cx.temp(y, "floor", d, f, "R.floor(" + v + ")");
        String frac = cx.temp(y, "frac", d, f, "R.subtract(" + v + ", " + fl + ")");
        String half = "R.const(0.5, \"float32\")";
        String up = cx.temp(
                y,
                "up",
                d,
                f,
                "R.where(R.greater(" + frac + ", " + half + "), R.const(1.0, \"float32\"), R.where(R.equal(" + frac
                        + ", " + half + "), R.floor_mod(" + fl
                        + ", R.const(2.0, \"float32\")), R.const(0.0, \"float32\")))");
        return cx.temp(y, "rounded", d, f, "R.add(" + fl + ", " + up + ")");
    }

    /**
     * DynamicQuantizeLinear to uint8: scale (max(0, max x) - min(0, min x)) / 255, zero point
     * -min / scale rounded and saturated, then QuantizeLinear with them.
     */
    private static void dynamicQuantize(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(x);
        long[] none = new long[0];
        DType f = DType.FLOAT32;
        String zero = "R.const(0.0, \"float32\")";
        String hi = cx.temp(y, "max", none, f, "R.maximum(R.max(" + cx.use(x) + "), " + zero + ")");
        String lo = cx.temp(y, "min", none, f, "R.minimum(R.min(" + cx.use(x) + "), " + zero + ")");
        String scale = cx.temp(
                y, "scale", none, f, "R.divide(R.subtract(" + hi + ", " + lo + "), R.const(255.0, \"float32\"))");
        String zpf = saturated(cx, y, none, "R.negative(" + lo + ")", scale, null, 0, 255);
        String q = saturated(cx, y, d, cx.use(x), scale, zpf, 0, 255);
        cx.bind(y, "R.astype(" + q + ", dtype=\"uint8\")");
        if (n.outputs().size() > 1 && n.output(1) != null) {
            cx.bind(n.output(1), scale);
        }
        if (n.outputs().size() > 2 && n.output(2) != null) {
            cx.bind(n.output(2), "R.astype(" + zpf + ", dtype=\"uint8\")");
        }
    }

    /** ConvInteger: the conv of x and w in int32 after subtracting their zero points (w's per output channel). */
    private static void convInteger(Node n, EmitContext cx) {
        Value y = n.output(0);
        String[] sides = new String[2];
        for (int i = 0; i < 2; i++) {
            Value v = n.input(i);
            long[] d = cx.dims(v);
            String e = cx.temp(y, i == 0 ? "x" : "w", d, DType.INT32, "R.astype(" + cx.use(v) + ", dtype=\"int32\")");
            Value zp = in(n, i + 2);
            if (zp != null) {
                String z = operand(n, cx, zp, DType.INT32, d.length, 0, i == 0 ? "x_zp" : "w_zp");
                e = cx.temp(y, i == 0 ? "x_c" : "w_c", d, DType.INT32, "R.subtract(" + e + ", " + z + ")");
            }
            sides[i] = e;
        }
        cx.bind(y, ConvOps.conv2d(n, cx, sides[0], sides[1], ", out_dtype=\"int32\""));
    }

    private static void matMulInteger(Node n, EmitContext cx) {
        Value y = n.output(0);
        String[] sides = new String[2];
        for (int i = 0; i < 2; i++) {
            Value v = n.input(i);
            String e = cx.temp(
                    y, i == 0 ? "a" : "b", cx.dims(v), DType.INT32, "R.astype(" + cx.use(v) + ", dtype=\"int32\")");
            Value zp = in(n, i + 2);
            if (zp != null) {
                long[] zd = cx.dims(zp);
                String z = cx.temp(
                        y, i == 0 ? "a_zp" : "b_zp", zd, DType.INT32, "R.astype(" + cx.use(zp) + ", dtype=\"int32\")");
                if (i == 0 && zd.length == 1 && zd[0] > 1) {
                    // A's zero point is per row.
                    long[] col = {zd[0], 1};
                    z = cx.temp(
                            y,
                            "a_zp_rows",
                            col,
                            DType.INT32,
                            "R.reshape(" + z + ", R.shape(" + EmitContext.list(col) + "))");
                }
                e = cx.temp(y, i == 0 ? "a_c" : "b_c", cx.dims(v), DType.INT32, "R.subtract(" + e + ", " + z + ")");
            }
            sides[i] = e;
        }
        cx.bind(y, "R.matmul(" + sides[0] + ", " + sides[1] + ", out_dtype=\"int32\")");
    }

    private static String lit(double v, DType t) {
        return "R.const(" + v + ", \"" + t.tvmName() + "\")";
    }

    /**
     * a0 - a1 cos(2 pi i / N) + a2 cos(4 pi i / N) for i below the size, N the size when
     * periodic (the default), one less when symmetric.
     */
    private static void window(Node n, EmitContext cx, double a0, double a1, double a2) {
        Value y = n.output(0);
        DType t = cx.dtype(y);
        long size = cx.dims(y)[0];
        long period = n.intAttr("periodic", 1) != 0 ? size : size - 1;
        String i = cx.temp(y, "i", new long[] {size}, t, "R.arange(0, " + size + ", 1, dtype=\"" + t.tvmName() + "\")");
        String angle = cx.temp(
                y, "angle", new long[] {size}, t, "R.multiply(" + i + ", " + lit(2 * Math.PI / period, t) + ")");
        String w = cx.temp(
                y,
                "w",
                new long[] {size},
                t,
                "R.subtract(" + lit(a0, t) + ", R.multiply(R.cos(" + angle + "), " + lit(a1, t) + "))");
        cx.bind(
                y,
                a2 == 0
                        ? w
                        : "R.add(" + w + ", R.multiply(R.cos(R.multiply(" + angle + ", " + lit(2.0, t) + ")), "
                                + lit(a2, t) + "))");
    }
}
