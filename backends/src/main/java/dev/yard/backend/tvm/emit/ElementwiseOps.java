package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * Elementwise ops: numpy-broadcasting binaries, activations (Relu, Sigmoid, Clip,
 * HardSigmoid, HardSwish, LeakyRelu, ...), Identity and Dropout (inference: pass-through),
 * and Cast (to {@code R.astype}; a cast between f16 and f32 vanishes when f16 is widened).
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static void register(Map<String, OpRule> rules) {
        binary(rules, "Add", "R.add");
        binary(rules, "Sub", "R.subtract");
        binary(rules, "Mul", "R.multiply");
        binary(rules, "Div", "R.divide");
        variadic(rules, "Max", "R.maximum");
        variadic(rules, "Min", "R.minimum");
        unary(rules, "Relu", "R.nn.relu");
        unary(rules, "Sigmoid", "R.sigmoid");
        unary(rules, "Tanh", "R.tanh");
        unary(rules, "Sqrt", "R.sqrt");
        unary(rules, "Exp", "R.exp");
        unary(rules, "Log", "R.log");
        unary(rules, "Neg", "R.negative");
        unary(rules, "Abs", "R.abs");
        unary(rules, "Erf", "R.erf");
        rules.put(
                "Reciprocal",
                (n, cx) -> cx.bind(
                        n.output(0), "R.divide(" + cx.scalar(1f, n.input(0)) + ", " + cx.use(n.input(0)) + ")"));
        rules.put("Identity", (n, cx) -> cx.alias(n.output(0), n.input(0)));
        rules.put("Dropout", ElementwiseOps::dropout);
        rules.put(
                "LeakyRelu",
                (n, cx) -> cx.bind(
                        n.output(0),
                        "R.nn.leakyrelu(" + cx.use(n.input(0)) + ", alpha="
                                + EmitContext.floatLiteral(n.floatAttr("alpha", 0.01f)) + ")"));
        rules.put("Clip", ElementwiseOps::clip);
        rules.put(
                "HardSigmoid",
                (n, cx) -> cx.bind(
                        n.output(0), hardSigmoid(n, cx, n.floatAttr("alpha", 0.2f), n.floatAttr("beta", 0.5f))));
        rules.put("HardSwish", (n, cx) -> {
            String hs = cx.temp(
                    n.output(0), "hsig", cx.dims(n.output(0)), cx.dtype(n.output(0)), hardSigmoid(n, cx, 1f / 6, 0.5f));
            cx.bind(n.output(0), "R.multiply(" + cx.use(n.input(0)) + ", " + hs + ")");
        });
        rules.put("Cast", ElementwiseOps::cast);
        registerMore(rules);
    }

    /**
     * Rounding, trigonometry, comparisons, logic and selection, one Relax op each; the
     * activations Relax lacks (Elu, Selu, PRelu, ThresholdedRelu, Softsign) as compositions;
     * Sum and Mean of any number of inputs; ArgMax and ArgMin.
     */
    private static void registerMore(Map<String, OpRule> rules) {
        String[][] unaries = {
            {"Floor", "R.floor"},
            {"Ceil", "R.ceil"},
            {"Round", "R.round"},
            {"Sign", "R.sign"},
            {"Sin", "R.sin"},
            {"Cos", "R.cos"},
            {"Tan", "R.tan"},
            {"Asin", "R.asin"},
            {"Acos", "R.acos"},
            {"Atan", "R.atan"},
            {"Sinh", "R.sinh"},
            {"Cosh", "R.cosh"},
            {"Asinh", "R.asinh"},
            {"Acosh", "R.acosh"},
            {"Atanh", "R.atanh"},
            {"IsNaN", "R.isnan"},
            {"Not", "R.logical_not"},
            {"Softplus", "R.nn.softplus"},
        };
        for (String[] u : unaries) {
            unary(rules, u[0], u[1]);
        }
        String[][] binaries = {
            {"And", "R.logical_and"},
            {"Or", "R.logical_or"},
            {"Xor", "R.logical_xor"},
            {"Equal", "R.equal"},
            {"Greater", "R.greater"},
            {"Less", "R.less"},
            {"GreaterOrEqual", "R.greater_equal"},
            {"LessOrEqual", "R.less_equal"},
        };
        for (String[] b : binaries) {
            binary(rules, b[0], b[1]);
        }
        rules.put(
                "Where",
                (n, cx) -> cx.bind(
                        n.output(0),
                        "R.where(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ", " + cx.use(n.input(2)) + ")"));
        variadic(rules, "Sum", "R.add");
        rules.put("Mean", (n, cx) -> {
            Value y = n.output(0);
            String sum = cx.use(n.input(0));
            for (int i = 1; i < n.inputs().size(); i++) {
                sum = cx.temp(y, "sum" + i, cx.dims(y), cx.dtype(y), "R.add(" + sum + ", " + cx.use(n.input(i)) + ")");
            }
            cx.bind(y, "R.divide(" + sum + ", " + cx.scalar(n.inputs().size(), y) + ")");
        });
        rules.put("Elu", (n, cx) -> cx.bind(n.output(0), negativeBranch(n, cx, n.floatAttr("alpha", 1f), 1f)));
        rules.put(
                "Selu",
                (n, cx) -> cx.bind(
                        n.output(0),
                        negativeBranch(
                                n,
                                cx,
                                n.floatAttr("alpha", 1.67326319217681884765625f),
                                n.floatAttr("gamma", 1.05070102214813232421875f))));
        rules.put("PRelu", (n, cx) -> {
            Value x = n.input(0);
            Value y = n.output(0);
            String scaled = cx.temp(
                    y, "scaled", cx.dims(y), cx.dtype(y), "R.multiply(" + cx.use(x) + ", " + cx.use(n.input(1)) + ")");
            cx.bind(
                    y,
                    "R.where(R.less(" + cx.use(x) + ", " + cx.scalar(0f, x) + "), " + scaled + ", " + cx.use(x) + ")");
        });
        rules.put("ThresholdedRelu", (n, cx) -> {
            Value x = n.input(0);
            cx.bind(
                    n.output(0),
                    "R.where(R.greater(" + cx.use(x) + ", " + cx.scalar(n.floatAttr("alpha", 1f), x) + "), " + cx.use(x)
                            + ", " + cx.scalar(0f, x) + ")");
        });
        rules.put("Softsign", (n, cx) -> {
            Value x = n.input(0);
            Value y = n.output(0);
            String denominator = cx.temp(
                    y, "den", cx.dims(y), cx.dtype(y), "R.add(R.abs(" + cx.use(x) + "), " + cx.scalar(1f, x) + ")");
            cx.bind(y, "R.divide(" + cx.use(x) + ", " + denominator + ")");
        });
        rules.put("ArgMax", (n, cx) -> argExtreme(n, cx, "R.argmax"));
        rules.put("ArgMin", (n, cx) -> argExtreme(n, cx, "R.argmin"));
    }

    /** {@code gamma * (x if x > 0 else alpha * (exp(x) - 1))}: Elu (gamma 1) and Selu. */
    private static String negativeBranch(Node n, EmitContext cx, float alpha, float gamma) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(y);
        DType t = cx.dtype(y);
        String expm1 = cx.temp(y, "expm1", d, t, "R.subtract(R.exp(" + cx.use(x) + "), " + cx.scalar(1f, x) + ")");
        String neg = cx.temp(y, "neg", d, t, "R.multiply(" + expm1 + ", " + cx.scalar(alpha, x) + ")");
        String picked = cx.temp(
                y,
                "picked",
                d,
                t,
                "R.where(R.greater(" + cx.use(x) + ", " + cx.scalar(0f, x) + "), " + cx.use(x) + ", " + neg + ")");
        return gamma == 1f ? picked : "R.multiply(" + picked + ", " + cx.scalar(gamma, x) + ")";
    }

    /**
     * ArgMax and ArgMin; with select_last_index the axis is reversed first and the index read
     * back from the end (Relax returns the first extreme).
     */
    private static void argExtreme(Node n, EmitContext cx, String relax) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(x);
        int axis = EmitContext.axis(n.intAttr("axis", 0), d.length);
        boolean keep = n.intAttr("keepdims", 1) != 0;
        String call = "(" + cx.use(x) + ", axis=" + axis + ", keepdims=" + (keep ? "True" : "False") + ")";
        if (n.intAttr("select_last_index", 0) == 0) {
            cx.bind(y, relax + call);
            return;
        }
        String flipped = cx.temp(y, "flip", d, cx.dtype(x), "R.flip(" + cx.use(x) + ", axis=" + axis + ")");
        String first =
                cx.temp(y, "first", cx.dims(y), cx.dtype(y), relax + "(" + flipped + call.substring(call.indexOf(',')));
        cx.bind(y, "R.subtract(" + cx.scalar(d[axis] - 1, y) + ", " + first + ")");
    }

    private static void binary(Map<String, OpRule> rules, String op, String relax) {
        rules.put(
                op,
                (n, cx) -> cx.bind(n.output(0), relax + "(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ")"));
    }

    /** Max and Min of any number of inputs: a left fold of the binary op (one input: itself). */
    private static void variadic(Map<String, OpRule> rules, String op, String relax) {
        rules.put(op, (n, cx) -> {
            Value y = n.output(0);
            String acc = cx.use(n.input(0));
            int k = n.inputs().size();
            if (k == 1) {
                cx.alias(y, n.input(0));
                return;
            }
            for (int i = 1; i < k - 1; i++) {
                acc = cx.temp(
                        y, "acc" + i, cx.dims(y), cx.dtype(y), relax + "(" + acc + ", " + cx.use(n.input(i)) + ")");
            }
            cx.bind(y, relax + "(" + acc + ", " + cx.use(n.input(k - 1)) + ")");
        });
    }

    private static void unary(Map<String, OpRule> rules, String op, String relax) {
        rules.put(op, (n, cx) -> cx.bind(n.output(0), relax + "(" + cx.use(n.input(0)) + ")"));
    }

    /** Dropout at inference: the input, and a mask of all true when it is asked for (training mode is refused). */
    private static void dropout(Node n, EmitContext cx) {
        if (n.inputs().size() > 2 && n.input(2) != null) {
            Tensor training = EmitContext.constant(n.input(2));
            if (training == null || training.getDouble(0) != 0) {
                throw cx.unsupported("Dropout in training mode is not supported");
            }
        }
        cx.alias(n.output(0), n.input(0));
        if (n.outputs().size() > 1 && n.output(1) != null) {
            cx.bind(n.output(1), "R.ones(R.shape(" + EmitContext.list(cx.dims(n.output(1))) + "), dtype=\"bool\")");
        }
    }

    /** max(0, min(1, alpha x + beta)), as multiply, add and clip. */
    private static String hardSigmoid(Node n, EmitContext cx, float alpha, float beta) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] d = cx.dims(y);
        DType t = cx.dtype(y);
        String scaled = cx.temp(y, "scaled", d, t, "R.multiply(" + cx.use(x) + ", " + cx.scalar(alpha, x) + ")");
        String shifted = cx.temp(y, "shifted", d, t, "R.add(" + scaled + ", " + cx.scalar(beta, x) + ")");
        return "R.clip(" + shifted + ", R.prim_value(0.0), R.prim_value(1.0))";
    }

    /**
     * Clip with both bounds to {@code R.clip}; with one, to {@code R.maximum} or
     * {@code R.minimum} against a constant; with none, the input itself. (An absent bound is not
     * written as the largest float: no decimal literal of it stays inside float32's range.)
     */
    private static void clip(Node n, EmitContext cx) {
        Float lo;
        Float hi;
        if (cx.opset() < 11) {
            lo = n.attribute("min") == null ? null : n.floatAttr("min", 0f);
            hi = n.attribute("max") == null ? null : n.floatAttr("max", 0f);
        } else {
            lo = bound(n, cx, 1);
            hi = bound(n, cx, 2);
        }
        Value x = n.input(0);
        if (lo == null && hi == null) {
            cx.alias(n.output(0), x);
        } else if (hi == null) {
            cx.bind(n.output(0), "R.maximum(" + cx.use(x) + ", " + cx.scalar(lo, x) + ")");
        } else if (lo == null) {
            cx.bind(n.output(0), "R.minimum(" + cx.use(x) + ", " + cx.scalar(hi, x) + ")");
        } else {
            cx.bind(
                    n.output(0),
                    "R.clip(" + cx.use(x) + ", R.prim_value(" + EmitContext.floatLiteral(lo) + "), R.prim_value("
                            + EmitContext.floatLiteral(hi) + "))");
        }
    }

    private static Float bound(Node n, EmitContext cx, int input) {
        if (n.inputs().size() <= input || n.input(input) == null) {
            return null;
        }
        Tensor t = EmitContext.constant(n.input(input));
        if (t == null) {
            throw cx.unsupported("Clip bounds computed at run time are not supported");
        }
        return (float) t.getDouble(0);
    }

    private static void cast(Node n, EmitContext cx) {
        ArithmeticOps.castTo(n, cx, cx.dtype(ElementType.fromCode((int) n.intAttr("to", 1))));
    }
}
