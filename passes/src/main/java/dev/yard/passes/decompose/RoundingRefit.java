package dev.yard.passes.decompose;

import dev.yard.ir.ElementType;
import dev.yard.ir.HalfFloats;
import dev.yard.passes.conv.ConvComposition;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.Method;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Storing a chain in f16 (or bf16) rounds every factor, and the rounding errors of three or
 * four factors add up to several times that of the one dense kernel they replace. This rounds
 * all factors but the largest, then solves that one by least squares against the original
 * kernel given the others as they will be stored, so it absorbs their rounding; only its own
 * rounding is left. The factor solved for is the kxk core of svd and tucker2, and the 1 x kw
 * factor of tt (whose predecessors compose to a kh x 1 conv). btd and cp are rounded as
 * fitted: their grouped middles leave only the last 1x1 free to solve in one piece, which
 * absorbs little, and cp's full-rank construction is exact in f16 already.
 *
 * <p>Used for fits without calibration data: a calibrated fit minimises output error in its
 * own metric, which an unweighted refit would undo. The error returned is that of the chain
 * as stored, measured against the original kernel.
 */
final class RoundingRefit {
    private RoundingRefit() {}

    record Result(List<ConvLayer> convs, double relativeError) {}

    static boolean applies(Method m, ElementType t) {
        return (t == ElementType.FLOAT16 || t == ElementType.BFLOAT16) && m.refitFactor() >= 0;
    }

    static Result refit(Method m, ConvLayer orig, List<ConvLayer> chain) {
        ElementType t = orig.elementType();
        List<ConvLayer> convs = new ArrayList<>();
        for (ConvLayer c : chain) {
            convs.add(withWeights(c, round(t, c.weights())));
        }
        int solved = m.refitFactor();
        if (solved < 0) {
            throw new IllegalArgumentException(m.text() + " chains are rounded as fitted");
        }
        double[] w = solve(orig, convs, solved);
        if (w != null) {
            convs.set(solved, withWeights(convs.get(solved), round(t, w)));
        }
        return new Result(List.copyOf(convs), relativeError(orig, convs));
    }

    /**
     * The weights of factor {@code k} that best reproduce the original kernel given the other
     * factors; null if the system is singular. Factors after {@code k} must be one 1x1 conv
     * (or none); the factors before it must compose to a conv that is trivial along the
     * axes factor {@code k} spans, so that the kernel splits into independent slices.
     */
    private static double[] solve(ConvLayer orig, List<ConvLayer> convs, int k) {
        ConvLayer target = convs.get(k);
        int kh = orig.kh();
        int kw = orig.kw();
        int cin = orig.in();
        // W' = B^+ W: what factor k and its predecessors must produce, [rOut, cin * kh * kw].
        DMatrixRMaj w = new DMatrixRMaj(orig.out(), cin * kh * kw, true, orig.weights());
        DMatrixRMaj wp = w;
        if (k < convs.size() - 1) {
            ConvLayer b = convs.get(k + 1);
            if (b.out() < b.in()) {
                return null;
            }
            DMatrixRMaj bm = new DMatrixRMaj(b.out(), b.in(), true, b.weights());
            wp = new DMatrixRMaj(b.in(), w.numCols);
            if (!CommonOps_DDRM.solve(bm, w, wp)) {
                return null;
            }
        }
        int rOut = wp.numRows;
        if (k == 0) {
            return wp.data.clone();
        }
        ConvLayer pre = convs.get(0);
        for (int i = 1; i < k; i++) {
            pre = ConvComposition.compose(pre, convs.get(i)).value();
        }
        // pre is [rIn, cin, ph, 1-or-kw]; the slices of the kernel factor k spans are the taps
        // it adds (all of kh x kw after a 1x1 pre, the kw taps after a kh x 1 pre).
        int ph = pre.kh();
        int pw = pre.kw();
        int rIn = pre.out();
        int fh = target.kh();
        int fw = target.kw();
        if (fh * ph != kh && !(fh == 1 && ph == kh)
                || fw * pw != kw && !(fw == 1 && pw == kw)
                || pre.group() != 1
                || target.group() != 1) {
            return null;
        }
        int preCols = cin * ph * pw;
        if (preCols < rIn) {
            return null;
        }
        DMatrixRMaj p = new DMatrixRMaj(rIn, preCols, true, pre.weights());
        // Right-hand sides: for each tap (fy, fx) of factor k, W'[:, c, y, x] with y, x running
        // over the taps pre covers, as rows [rOut] of a [preCols] system: X_tap P = W'_tap.
        int taps = fh * fw;
        DMatrixRMaj rhs = new DMatrixRMaj(preCols, rOut * taps);
        for (int fy = 0; fy < fh; fy++) {
            for (int fx = 0; fx < fw; fx++) {
                int tap = fy * fw + fx;
                for (int o = 0; o < rOut; o++) {
                    for (int c = 0; c < cin; c++) {
                        for (int py = 0; py < ph; py++) {
                            for (int px = 0; px < pw; px++) {
                                int y = fh == 1 ? py : fy;
                                int x = fw == 1 ? px : fx;
                                double v = wp.get(o, (c * kh + y) * kw + x);
                                rhs.set((c * ph + py) * pw + px, tap * rOut + o, v);
                            }
                        }
                    }
                }
            }
        }
        DMatrixRMaj pt = CommonOps_DDRM.transpose(p, null);
        DMatrixRMaj x = new DMatrixRMaj(rIn, rOut * taps);
        if (!CommonOps_DDRM.solve(pt, rhs, x)) {
            return null;
        }
        double[] out = new double[rOut * rIn * taps];
        for (int tap = 0; tap < taps; tap++) {
            for (int o = 0; o < rOut; o++) {
                for (int r = 0; r < rIn; r++) {
                    out[(o * rIn + r) * taps + tap] = x.get(r, tap * rOut + o);
                }
            }
        }
        return out;
    }

    static double relativeError(ConvLayer orig, List<ConvLayer> convs) {
        ConvLayer c = convs.get(0);
        for (int i = 1; i < convs.size(); i++) {
            c = ConvComposition.compose(c, convs.get(i)).value();
        }
        return ConvChain.kernel(orig).relativeErrorTo(ConvChain.kernel(c));
    }

    static double[] round(ElementType t, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = HalfFloats.round(t, v[i]);
        }
        return r;
    }

    private static ConvLayer withWeights(ConvLayer c, double[] w) {
        return new ConvLayer(
                c.out(),
                c.inPerGroup(),
                c.kh(),
                c.kw(),
                w,
                c.bias(),
                c.group(),
                c.strides(),
                c.pads(),
                c.dilations(),
                c.elementType());
    }
}
