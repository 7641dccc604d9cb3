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
        binary(rules, "Pow", "R.power");
        binary(rules, "Max", "R.maximum");
        binary(rules, "Min", "R.minimum");
        unary(rules, "Relu", "R.nn.relu");
        unary(rules, "Sigmoid", "R.sigmoid");
        unary(rules, "Tanh", "R.tanh");
        unary(rules, "Sqrt", "R.sqrt");
        unary(rules, "Exp", "R.exp");
        unary(rules, "Log", "R.log");
        unary(rules, "Neg", "R.negative");
        unary(rules, "Abs", "R.abs");
        unary(rules, "Erf", "R.erf");
        unary(rules, "Reciprocal", "R.reciprocal");
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
    }

    private static void binary(Map<String, OpRule> rules, String op, String relax) {
        rules.put(
                op,
                (n, cx) -> cx.bind(n.output(0), relax + "(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ")"));
    }

    private static void unary(Map<String, OpRule> rules, String op, String relax) {
        rules.put(op, (n, cx) -> cx.bind(n.output(0), relax + "(" + cx.use(n.input(0)) + ")"));
    }

    private static void dropout(Node n, EmitContext cx) {
        if (n.outputs().size() > 1 && n.output(1) != null) {
            throw cx.unsupported("Dropout's mask output is not supported");
        }
        cx.alias(n.output(0), n.input(0));
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

    private static void clip(Node n, EmitContext cx) {
        float lo;
        float hi;
        if (cx.opset() < 11) {
            lo = n.floatAttr("min", -Float.MAX_VALUE);
            hi = n.floatAttr("max", Float.MAX_VALUE);
        } else {
            lo = bound(n, cx, 1, -Float.MAX_VALUE);
            hi = bound(n, cx, 2, Float.MAX_VALUE);
        }
        cx.bind(
                n.output(0),
                "R.clip(" + cx.use(n.input(0)) + ", R.prim_value(" + EmitContext.floatLiteral(lo) + "), R.prim_value("
                        + EmitContext.floatLiteral(hi) + "))");
    }

    private static float bound(Node n, EmitContext cx, int input, float dflt) {
        if (n.inputs().size() <= input || n.input(input) == null) {
            return dflt;
        }
        Tensor t = EmitContext.constant(n.input(input));
        if (t == null) {
            throw cx.unsupported("Clip bounds computed at run time are not supported");
        }
        return (float) t.getDouble(0);
    }

    private static void cast(Node n, EmitContext cx) {
        long to = n.intAttr("to", 1);
        DType target = cx.dtype(ElementType.fromCode((int) to));
        if (target == cx.dtype(n.input(0))) {
            cx.alias(n.output(0), n.input(0));
        } else {
            cx.bind(n.output(0), "R.astype(" + cx.use(n.input(0)) + ", dtype=\"" + target.tvmName() + "\")");
        }
    }
}
