package dev.yard.ir;

import java.util.Arrays;

/**
 * Where a 2-D {@code Conv}'s window goes: kernel size, strides, dilations, explicit pads (top,
 * left, bottom, right) and groups, with ONNX's defaults filled in and {@code auto_pad}
 * resolved to the pads it means at the inferred input size. The one reading of a conv's
 * attributes for every pass and backend, so that they agree on what a conv computes.
 */
public final class ConvGeometry {
    private final int kh;
    private final int kw;
    private final int[] strides;
    private final int[] dilations;
    private final int[] pads;
    private final int group;

    public ConvGeometry(int kh, int kw, int[] strides, int[] dilations, int[] pads, int group) {
        this.kh = kh;
        this.kw = kw;
        this.strides = strides.clone();
        this.dilations = dilations.clone();
        this.pads = pads.clone();
        this.group = group;
    }

    /**
     * The geometry of a 2-D Conv node (4-D weights of known shape), or why it cannot be known:
     * malformed attributes, or {@code SAME_UPPER}/{@code SAME_LOWER} padding on an input whose
     * height and width are not known (run shape inference first; the pass manager does).
     */
    public static Outcome<ConvGeometry> of(Node n) {
        Value w = n.input(1);
        Shape ws =
                w == null ? null : w.isInitializer() ? Shape.of(w.initializer().dims()) : w.shape();
        if (ws == null || ws.rank() != 4 || !ws.isStatic()) {
            return Outcome.not(
                    ws != null && ws.rank() != 4
                            ? "only 2-D convolutions (4-D weights) are handled, this one has " + (ws.rank() - 2)
                                    + " spatial dims"
                            : "the weights' shape is not known");
        }
        long[] wd = ws.sizes();
        long[] kernelShape = n.intsAttr("kernel_shape");
        if (kernelShape != null && (kernelShape.length != 2 || kernelShape[0] != wd[2] || kernelShape[1] != wd[3])) {
            return Outcome.not("kernel_shape does not match the weights");
        }
        long group = n.intAttr("group", 1);
        if (group < 1 || group > wd[0] || wd[0] % group != 0) {
            return Outcome.not("group " + group + " does not divide the " + wd[0] + " output channels");
        }
        int[] strides = ints(n.intsAttr("strides"), 2, 1);
        int[] dilations = ints(n.intsAttr("dilations"), 2, 1);
        int[] pads = ints(n.intsAttr("pads"), 4, 0);
        if (strides == null || dilations == null || pads == null) {
            return Outcome.not("strides, dilations or pads have the wrong number of entries or do not fit an int");
        }
        if (Arrays.stream(strides).anyMatch(s -> s < 1)
                || Arrays.stream(dilations).anyMatch(d -> d < 1)) {
            return Outcome.not("strides and dilations must be positive");
        }
        if (Arrays.stream(pads).anyMatch(p -> p < 0)) {
            return Outcome.not("pads must not be negative");
        }
        int kh = (int) wd[2];
        int kw = (int) wd[3];
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET" -> {}
            case "VALID" -> pads = new int[4];
            case "SAME_UPPER", "SAME_LOWER" -> {
                Shape xs = n.input(0) == null ? null : n.input(0).shape();
                if (xs == null
                        || xs.rank() != 4
                        || !xs.dim(2).isKnown()
                        || !xs.dim(3).isKnown()) {
                    return Outcome.not("auto_pad=" + autoPad + " on an input whose height and width are not known");
                }
                long[] same = samePads(
                        new long[] {xs.dim(2).sizeOrNegative(), xs.dim(3).sizeOrNegative()},
                        new long[] {kh, kw},
                        new long[] {strides[0], strides[1]},
                        new long[] {dilations[0], dilations[1]},
                        autoPad.equals("SAME_UPPER"));
                pads = new int[4];
                for (int i = 0; i < 4; i++) {
                    pads[i] = Math.toIntExact(same[i]);
                }
            }
            default -> {
                return Outcome.not("auto_pad=" + autoPad + " is not one ONNX defines");
            }
        }
        return Outcome.of(new ConvGeometry(kh, kw, strides, dilations, pads, (int) group));
    }

    /**
     * The pads {@code auto_pad=SAME_UPPER} ({@code upper}) or {@code SAME_LOWER} means for a
     * window over input sizes {@code in}: all begins, then all ends. The output is
     * ceil(in / stride); the pads make up what the window needs beyond the input, the odd one
     * at the end (upper) or the beginning (lower). For pools as for convs.
     */
    public static long[] samePads(long[] in, long[] kernel, long[] strides, long[] dilations, boolean upper) {
        int n = in.length;
        long[] pads = new long[2 * n];
        for (int i = 0; i < n; i++) {
            long out = (in[i] + strides[i] - 1) / strides[i];
            long total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
            long small = total / 2;
            long large = total - small;
            pads[i] = upper ? small : large;
            pads[i + n] = upper ? large : small;
        }
        return pads;
    }

    /** {@code v} as {@code n} ints, {@code dflt} each when absent; null when it has another length or too large a value. */
    private static int[] ints(long[] v, int n, int dflt) {
        int[] r = new int[n];
        Arrays.fill(r, dflt);
        if (v == null || v.length == 0) {
            return r;
        }
        if (v.length != n) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (v[i] != (int) v[i]) {
                return null;
            }
            r[i] = (int) v[i];
        }
        return r;
    }

    public int kh() {
        return kh;
    }

    public int kw() {
        return kw;
    }

    /** Strides along height and width. */
    public int[] strides() {
        return strides.clone();
    }

    /** Dilations along height and width. */
    public int[] dilations() {
        return dilations.clone();
    }

    /** Pads: top, left, bottom, right. */
    public int[] pads() {
        return pads.clone();
    }

    public int group() {
        return group;
    }

    public boolean hasPadding() {
        return Arrays.stream(pads).anyMatch(p -> p != 0);
    }

    /** Output height and width for an input of {@code h} x {@code w}; below 1 when the window does not fit. */
    public long[] outputSize(long h, long w) {
        return new long[] {
            Math.floorDiv(h + pads[0] + pads[2] - ((long) (kh - 1) * dilations[0] + 1), strides[0]) + 1,
            Math.floorDiv(w + pads[1] + pads[3] - ((long) (kw - 1) * dilations[1] + 1), strides[1]) + 1
        };
    }
}
