package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * Elementwise arithmetic beyond the basic four: Pow (integer tensors through f64), Mod (both
 * of ONNX's meanings), BitShift, CastLike, IsInf of one sign, and the activations Celu and
 * Shrink, which Relax lacks and which are spelled out here.
 */
final class ArithmeticOps {
    private ArithmeticOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("Pow", ArithmeticOps::pow);
        // fmod=1 is C's fmod, the sign of the dividend (Relax's mod truncates); fmod=0, integers
        // only, takes the sign of the divisor (Relax's floor_mod).
        rules.put(
                "Mod",
                (n, cx) -> cx.bind(
                        n.output(0),
                        (n.intAttr("fmod", 0) != 0 ? "R.mod(" : "R.floor_mod(") + cx.use(n.input(0)) + ", "
                                + cx.use(n.input(1)) + ")"));
        rules.put("BitShift", (n, cx) -> {
            String direction = n.stringAttr("direction", "");
            String op = switch (direction) {
                case "LEFT" -> "R.left_shift(";
                case "RIGHT" -> "R.right_shift(";
                default -> throw cx.unsupported("BitShift direction '" + direction + "' is not LEFT or RIGHT");
            };
            cx.bind(n.output(0), op + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ")");
        });
        rules.put("CastLike", (n, cx) -> castTo(n, cx, cx.dtype(n.output(0))));
        rules.put("IsInf", ArithmeticOps::isInf);
        rules.put("Celu", ArithmeticOps::celu);
        rules.put("Shrink", ArithmeticOps::shrink);
    }

    /** Binds the node's output to its input cast to {@code target} (the input itself when already of it). */
    static void castTo(Node n, EmitContext cx, DType target) {
        if (target == cx.dtype(n.input(0))) {
            cx.alias(n.output(0), n.input(0));
        } else {
            cx.bind(n.output(0), "R.astype(" + cx.use(n.input(0)) + ", dtype=\"" + target.tvmName() + "\")");
        }
    }

    /**
     * Pow: the exponent cast to the base's type (ONNX's output has the base's type). Integer
     * bases are raised in f64 and the result cast back (TVM 0.27's CPU lowering of power fails
     * on integer tensors, found on the ONNX suite); exact while the result fits in 2^53.
     */
    private static void pow(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        DType base = cx.dtype(x);
        DType compute = base.elementType().isFloatingPoint() ? base : cx.dtype(ElementType.DOUBLE);
        String b = cx.use(x);
        String e = cx.use(n.input(1));
        if (compute != base) {
            b = cx.temp(y, "base", cx.dims(x), compute, "R.astype(" + b + ", dtype=\"" + compute.tvmName() + "\")");
        }
        if (cx.dtype(n.input(1)) != compute) {
            e = "R.astype(" + e + ", dtype=\"" + compute.tvmName() + "\")";
        }
        if (compute == base) {
            cx.bind(y, "R.power(" + b + ", " + e + ")");
            return;
        }
        String p = cx.temp(y, "pow", cx.dims(y), compute, "R.power(" + b + ", " + e + ")");
        cx.bind(y, "R.astype(" + p + ", dtype=\"" + base.tvmName() + "\")");
    }

    /** IsInf: both signs to {@code R.isinf}; one sign, the test and the sign combined. */
    private static void isInf(Node n, EmitContext cx) {
        Value x = n.input(0);
        boolean negative = n.intAttr("detect_negative", 1) != 0;
        boolean positive = n.intAttr("detect_positive", 1) != 0;
        String inf = "R.isinf(" + cx.use(x) + ")";
        if (negative && positive) {
            cx.bind(n.output(0), inf);
        } else if (!negative && !positive) {
            cx.bind(n.output(0), "R.zeros(R.shape(" + EmitContext.list(cx.dims(n.output(0))) + "), dtype=\"bool\")");
        } else {
            String sign = (positive ? "R.greater(" : "R.less(") + cx.use(x) + ", " + cx.scalar(0f, x) + ")";
            String i = cx.temp(n.output(0), "inf", cx.dims(x), DType.BOOL, inf);
            cx.bind(n.output(0), "R.logical_and(" + i + ", " + sign + ")");
        }
    }

    /** Celu: max(0, x) + min(0, alpha (exp(x / alpha) - 1)). */
    private static void celu(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(y);
        DType t = cx.dtype(y);
        float alpha = n.floatAttr("alpha", 1f);
        String scaled = cx.temp(y, "scaled", d, t, "R.divide(" + cx.use(x) + ", " + cx.scalar(alpha, x) + ")");
        String expm1 = cx.temp(y, "expm1", d, t, "R.subtract(R.exp(" + scaled + "), " + cx.scalar(1f, x) + ")");
        String neg = cx.temp(
                y,
                "neg",
                d,
                t,
                "R.minimum(R.multiply(" + expm1 + ", " + cx.scalar(alpha, x) + "), " + cx.scalar(0f, x) + ")");
        cx.bind(y, "R.add(R.maximum(" + cx.use(x) + ", " + cx.scalar(0f, x) + "), " + neg + ")");
    }

    /** Shrink: x + bias below -lambd, x - bias above lambd, 0 between. */
    private static void shrink(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(y);
        DType t = cx.dtype(y);
        float lambd = n.floatAttr("lambd", 0.5f);
        float bias = n.floatAttr("bias", 0f);
        String high = cx.temp(
                y,
                "high",
                d,
                t,
                "R.where(R.greater(" + cx.use(x) + ", " + cx.scalar(lambd, x) + "), R.subtract(" + cx.use(x) + ", "
                        + cx.scalar(bias, x) + "), " + cx.scalar(0f, x) + ")");
        cx.bind(
                y,
                "R.where(R.less(" + cx.use(x) + ", " + cx.scalar(-lambd, x) + "), R.add(" + cx.use(x) + ", "
                        + cx.scalar(bias, x) + "), " + high + ")");
    }
}
