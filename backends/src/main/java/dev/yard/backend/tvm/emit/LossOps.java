package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * The losses ONNX defines, for models exported with their loss: NegativeLogLikelihoodLoss and
 * SoftmaxCrossEntropyLoss (a log-softmax over the classes, then the same). Spelled out rather
 * than through {@code R.nn.nll_loss}: an ignored target may lie outside the classes (ONNX's
 * cases use -1 and 10), so it is replaced by class 0 before any read and its weight made 0.
 */
final class LossOps {
    private LossOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("NegativeLogLikelihoodLoss", (n, cx) -> nll(n, cx, cx.use(n.input(0))));
        rules.put("SoftmaxCrossEntropyLoss", LossOps::softmaxCrossEntropy);
    }

    private static void softmaxCrossEntropy(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value logProb = n.outputs().size() > 1 ? n.output(1) : null;
        String expr = "R.nn.log_softmax(" + cx.use(x) + ", axis=1)";
        String lp;
        if (logProb != null) {
            cx.bind(logProb, expr);
            lp = cx.use(logProb);
        } else {
            lp = cx.temp(n.output(0), "log_prob", cx.dims(x), cx.dtype(x), expr);
        }
        nll(n, cx, lp);
    }

    /**
     * -input[n, target[n, d...], d...] times the target's class weight (1 without weights, 0
     * where the target is ignore_index); summed, or divided by the weights' sum for mean.
     */
    private static void nll(Node n, EmitContext cx, String logProb) {
        Value x = n.input(0);
        Value target = n.input(1);
        Value weight = n.inputs().size() > 2 ? n.input(2) : null;
        Value loss = n.output(0);
        String reduction = n.stringAttr("reduction", "mean");
        if (!reduction.equals("mean") && !reduction.equals("sum") && !reduction.equals("none")) {
            throw cx.unsupported(n.opType() + " reduction '" + reduction + "' is not none, sum or mean");
        }
        long[] xd = cx.dims(x);
        long[] td = cx.dims(target);
        DType t = cx.dtype(x);
        DType it = cx.dtype(target);
        boolean ignores = n.attribute("ignore_index") != null;
        String tgt = cx.use(target);
        String mask = null;
        if (ignores) {
            String ii = cx.scalar(n.intAttr("ignore_index", 0), target);
            mask = cx.temp(loss, "kept", td, DType.BOOL, "R.not_equal(" + tgt + ", " + ii + ")");
            tgt = cx.temp(loss, "target", td, it, "R.where(" + mask + ", " + tgt + ", " + cx.scalar(0f, target) + ")");
        }
        long[] picked = xd.clone();
        picked[1] = 1;
        long[] column = new long[td.length + 1];
        column[0] = td[0];
        column[1] = 1;
        System.arraycopy(td, 1, column, 2, td.length - 1);
        String index =
                cx.temp(loss, "index", column, it, "R.reshape(" + tgt + ", R.shape(" + EmitContext.list(column) + "))");
        String gathered =
                cx.temp(loss, "picked", picked, t, "R.gather_elements(" + logProb + ", " + index + ", axis=1)");
        String nlogp = cx.temp(
                loss, "nlogp", td, t, "R.negative(R.reshape(" + gathered + ", R.shape(" + EmitContext.list(td) + ")))");
        String w = null;
        if (weight != null) {
            w = cx.temp(loss, "w", td, t, "R.take(" + cx.use(weight) + ", " + tgt + ", axis=0)");
        }
        if (mask != null) {
            String kept = cx.temp(loss, "keep", td, t, "R.astype(" + mask + ", dtype=\"" + t.tvmName() + "\")");
            w = w == null ? kept : cx.temp(loss, "wk", td, t, "R.multiply(" + w + ", " + kept + ")");
        }
        String weighted = w == null ? nlogp : cx.temp(loss, "weighted", td, t, "R.multiply(" + nlogp + ", " + w + ")");
        switch (reduction) {
            case "none" -> cx.bind(loss, weighted);
            case "sum" -> cx.bind(loss, "R.sum(" + weighted + ")");
            default -> {
                if (w == null) {
                    cx.bind(loss, "R.mean(" + weighted + ")");
                } else {
                    String total = cx.temp(loss, "total", new long[0], t, "R.sum(" + weighted + ")");
                    cx.bind(loss, "R.divide(" + total + ", R.sum(" + w + "))");
                }
            }
        }
    }
}
