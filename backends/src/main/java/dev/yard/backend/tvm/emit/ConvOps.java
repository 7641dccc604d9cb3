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
 * add of the bias reshaped to [C, 1, 1]. ConvTranspose (1-D to 3-D) to {@code R.nn.conv2d_transpose} and its kin.
 */
final class ConvOps {
    private ConvOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("Conv", ConvOps::conv);
        rules.put("ConvTranspose", ConvOps::convTranspose);
    }

    /**
     * ConvTranspose (1-D to 3-D, kernels [Cin, Cout/group, k...], Relax's IOW/IOHW/IODHW) to
     * {@code R.nn.conv1d_transpose} and its 2-D and 3-D forms with ONNX's pads and
     * output_padding. With output_shape or SAME padding the pads are derived as ONNX's operator
     * definition has it (the odd pixel at the end for SAME_UPPER, at the start otherwise), and an
     * output_shape larger than the transposed convolution gives is made up with output padding.
     */
    private static void convTranspose(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value w = n.input(1);
        long[] xd = cx.dims(x);
        int k = xd.length - 2;
        if (k < 1 || k > 3) {
            throw cx.unsupported(
                    "only 1-D to 3-D transposed convolutions (rank 3 to 5) are supported, this one has rank "
                            + xd.length);
        }
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        long[] strides = orDefault(n.intsAttr("strides"), 1, k);
        long[] dilations = orDefault(n.intsAttr("dilations"), 1, k);
        long[] outputPadding = orDefault(n.intsAttr("output_padding"), 0, k).clone();
        long[] kernel = Arrays.copyOfRange(cx.dims(w), 2, 2 + k);
        long[] outputShape = n.intsAttr("output_shape");
        long[] pads = autoPad.equals("NOTSET") && n.intsAttr("pads") != null ? n.intsAttr("pads") : new long[2 * k];
        boolean same = autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER");
        if (outputShape != null || same) {
            for (int i = 0; i < k; i++) {
                long target = outputShape != null ? outputShape[outputShape.length - k + i] : xd[2 + i] * strides[i];
                long full = strides[i] * (xd[2 + i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1;
                long total = full - target;
                if (total < 0) {
                    outputPadding[i] -= total;
                    total = 0;
                }
                long half = total / 2;
                pads[i] = autoPad.equals("SAME_UPPER") ? half : total - half;
                pads[i + k] = total - pads[i];
            }
        } else if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw cx.unsupported("ConvTranspose auto_pad '" + autoPad + "' is not supported");
        }
        String spatial = switch (k) {
            case 1 -> "W";
            case 2 -> "HW";
            default -> "DHW";
        };
        long group = n.intAttr("group", 1);
        String conv = "R.nn.conv" + k + "d_transpose(" + cx.use(x) + ", " + cx.use(w) + ", strides="
                + EmitContext.list(strides)
                + ", padding=" + EmitContext.list(pads) + ", output_padding=" + EmitContext.list(outputPadding)
                + ", dilation=" + EmitContext.list(dilations) + ", groups=" + group
                + ", data_layout=\"NC" + spatial + "\", kernel_layout=\"IO" + spatial + "\")";
        bindWithBias(n, cx, conv);
    }

    /** Binds the conv's output to {@code conv}, plus its bias (input 2) reshaped to [C, 1, ...] when there is one. */
    private static void bindWithBias(Node n, EmitContext cx, String conv) {
        Value y = n.output(0);
        Value b = n.inputs().size() > 2 ? n.input(2) : null;
        if (b == null) {
            cx.bind(y, conv);
            return;
        }
        long[] yd = cx.dims(y);
        String c = cx.temp(y, "conv", yd, cx.dtype(y), conv);
        long[] bd = new long[yd.length - 1];
        Arrays.fill(bd, 1);
        bd[0] = yd[1];
        String bias = cx.temp(
                y, "bias", bd, cx.dtype(b), "R.reshape(" + cx.use(b) + ", R.shape(" + EmitContext.list(bd) + "))");
        cx.bind(y, "R.add(" + c + ", " + bias + ")");
    }

    /** A per-axis attribute of the {@code k} spatial axes, or {@code value} on each when absent. */
    private static long[] orDefault(long[] v, long value, int k) {
        if (v != null && v.length > 0) {
            return v;
        }
        long[] r = new long[k];
        Arrays.fill(r, value);
        return r;
    }

    private static void conv(Node n, EmitContext cx) {
        bindWithBias(n, cx, conv2d(n, cx, cx.use(n.input(0)), cx.use(n.input(1)), ""));
    }

    /**
     * {@code R.nn.conv2d} of {@code x} and {@code w} with the node's window ({@code extra}
     * appended to the arguments, such as an out_dtype).
     */
    static String conv2d(Node n, EmitContext cx, String x, String w, String extra) {
        long[] xd = cx.dims(n.input(0));
        if (xd.length != 4) {
            throw cx.unsupported("only 2-D convolutions (rank-4 input) are supported, this one has rank " + xd.length);
        }
        Outcome<ConvGeometry> read = ConvGeometry.of(n);
        if (!read.ok()) {
            throw cx.unsupported(read.whyNot());
        }
        ConvGeometry g = read.value();
        return "R.nn.conv2d(" + x + ", " + w + ", strides=" + EmitContext.list(longs(g.strides()))
                + ", padding=" + EmitContext.list(longs(g.pads())) + ", dilation="
                + EmitContext.list(longs(g.dilations()))
                + ", groups=" + g.group() + ", data_layout=\"NCHW\", kernel_layout=\"OIHW\"" + extra + ")";
    }

    private static long[] longs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    /** Pads in ONNX order (all begins, then all ends; also Relax's) of a pool with {@code kernel} over the spatial axes of {@code xd}. */
    static long[] pads(Node n, long[] xd, long[] kernel, long[] strides, long[] dilations) {
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        int k = xd.length - 2;
        if (autoPad.equals("NOTSET")) {
            long[] p = n.intsAttr("pads");
            return p != null ? p : new long[2 * k];
        }
        if (autoPad.equals("VALID")) {
            return new long[2 * k];
        }
        return ConvGeometry.samePads(
                Arrays.copyOfRange(xd, 2, xd.length), kernel, strides, dilations, autoPad.equals("SAME_UPPER"));
    }
}
