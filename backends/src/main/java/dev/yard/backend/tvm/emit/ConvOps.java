package dev.yard.backend.tvm.emit;

import dev.yard.ir.ConvGeometry;
import dev.yard.ir.Node;
import dev.yard.ir.Outcome;
import dev.yard.ir.Value;
import java.util.Arrays;
import java.util.Map;

/**
 * Conv (2-D, NCHW activations, OIHW kernels) to {@code R.nn.conv2d}, keeping strides, pads
 * (asymmetric too, including auto_pad), dilations and groups exactly; the bias becomes an
 * add of the bias reshaped to [C, 1, 1]. ConvTranspose likewise to {@code R.nn.conv2d_transpose}.
 */
final class ConvOps {
    private ConvOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("Conv", ConvOps::conv);
        rules.put("ConvTranspose", ConvOps::convTranspose);
    }

    /**
     * ConvTranspose (2-D, kernels [Cin, Cout/group, kh, kw], Relax's IOHW) to
     * {@code R.nn.conv2d_transpose} with ONNX's explicit pads and output_padding; auto_pad and
     * output_shape, whose padding rules ONNX and runtimes have read differently, are refused.
     */
    private static void convTranspose(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value w = n.input(1);
        long[] xd = cx.dims(x);
        if (xd.length != 4) {
            throw cx.unsupported(
                    "only 2-D transposed convolutions (rank-4 input) are supported, this one has rank " + xd.length);
        }
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw cx.unsupported("ConvTranspose with auto_pad=" + autoPad + " is not supported (give explicit pads)");
        }
        if (n.intsAttr("output_shape") != null) {
            throw cx.unsupported("ConvTranspose with output_shape is not supported (give pads and output_padding)");
        }
        long[] strides = orDefault(n.intsAttr("strides"), 1);
        long[] dilations = orDefault(n.intsAttr("dilations"), 1);
        long[] outputPadding = orDefault(n.intsAttr("output_padding"), 0);
        long[] pads = autoPad.equals("VALID") || n.intsAttr("pads") == null ? new long[4] : n.intsAttr("pads");
        long group = n.intAttr("group", 1);
        String conv = "R.nn.conv2d_transpose(" + cx.use(x) + ", " + cx.use(w) + ", strides=" + EmitContext.list(strides)
                + ", padding=" + EmitContext.list(pads) + ", output_padding=" + EmitContext.list(outputPadding)
                + ", dilation=" + EmitContext.list(dilations) + ", groups=" + group
                + ", data_layout=\"NCHW\", kernel_layout=\"IOHW\")";
        bindWithBias(n, cx, conv);
    }

    /** Binds the conv's output to {@code conv}, plus its bias (input 2) reshaped to [C, 1, 1] when there is one. */
    private static void bindWithBias(Node n, EmitContext cx, String conv) {
        Value y = n.output(0);
        Value b = n.inputs().size() > 2 ? n.input(2) : null;
        if (b == null) {
            cx.bind(y, conv);
            return;
        }
        long[] yd = cx.dims(y);
        String c = cx.temp(y, "conv", yd, cx.dtype(y), conv);
        long[] bd = {yd[1], 1, 1};
        String bias = cx.temp(
                y, "bias", bd, cx.dtype(b), "R.reshape(" + cx.use(b) + ", R.shape(" + EmitContext.list(bd) + "))");
        cx.bind(y, "R.add(" + c + ", " + bias + ")");
    }

    /** A per-axis attribute of the two spatial axes, or {@code value} on both when absent. */
    private static long[] orDefault(long[] v, long value) {
        return v != null && v.length > 0 ? v : new long[] {value, value};
    }

    private static void conv(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value w = n.input(1);
        long[] xd = cx.dims(x);
        long[] wd = cx.dims(w);
        if (xd.length != 4) {
            throw cx.unsupported("only 2-D convolutions (rank-4 input) are supported, this one has rank " + xd.length);
        }
        Outcome<ConvGeometry> read = ConvGeometry.of(n);
        if (!read.ok()) {
            throw cx.unsupported(read.whyNot());
        }
        ConvGeometry g = read.value();
        long[] strides = longs(g.strides());
        long[] dilations = longs(g.dilations());
        long[] pads = longs(g.pads());
        long group = g.group();
        String conv = "R.nn.conv2d(" + cx.use(x) + ", " + cx.use(w) + ", strides=" + EmitContext.list(strides)
                + ", padding=" + EmitContext.list(pads) + ", dilation=" + EmitContext.list(dilations)
                + ", groups=" + group + ", data_layout=\"NCHW\", kernel_layout=\"OIHW\")";
        bindWithBias(n, cx, conv);
    }

    private static long[] longs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    /** Pads in ONNX order [top, left, bottom, right] (also Relax's) of a pool with {@code kernel} [kh, kw]. */
    static long[] pads(Node n, long[] xd, long[] kernel, long[] strides, long[] dilations) {
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        if (autoPad.equals("NOTSET")) {
            long[] p = n.intsAttr("pads");
            return p != null ? p : new long[4];
        }
        if (autoPad.equals("VALID")) {
            return new long[4];
        }
        return ConvGeometry.samePads(
                new long[] {xd[2], xd[3]}, kernel, strides, dilations, autoPad.equals("SAME_UPPER"));
    }
}
