package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * MatMul to {@code R.matmul} (numpy broadcasting, as ONNX); Gemm to transposes, a matmul,
 * scaling by alpha and the beta-scaled bias add. Transposes of constant weights are folded
 * by the builder once the parameters are bound. Einsum to {@code R.einsum} with ONNX's equation.
 */
final class MatrixOps {
    private MatrixOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put(
                "MatMul",
                (n, cx) -> cx.bind(n.output(0), "R.matmul(" + cx.use(n.input(0)) + ", " + cx.use(n.input(1)) + ")"));
        rules.put("Gemm", MatrixOps::gemm);
        rules.put("Einsum", (n, cx) -> {
            java.util.StringJoiner ops =
                    new java.util.StringJoiner(", ", "(", n.inputs().size() == 1 ? ",)" : ")");
            for (Value v : n.inputs()) {
                ops.add(cx.use(v));
            }
            String equation = n.stringAttr("equation", "").replace(" ", "");
            if (!equation.matches("[A-Za-z.,>-]+")) {
                throw cx.unsupported("Einsum equation '" + equation + "' is not supported");
            }
            cx.bind(n.output(0), "R.einsum(" + ops + ", subscripts=\"" + equation + "\")");
        });
    }

    private static void gemm(Node n, EmitContext cx) {
        Value y = n.output(0);
        DType t = cx.dtype(y);
        String a = operand(n, cx, 0, n.intAttr("transA", 0) != 0);
        String b = operand(n, cx, 1, n.intAttr("transB", 0) != 0);
        float alpha = n.floatAttr("alpha", 1f);
        float beta = n.floatAttr("beta", 1f);
        Value c = n.inputs().size() > 2 ? n.input(2) : null;
        String product = "R.matmul(" + a + ", " + b + ")";
        if (alpha != 1f) {
            String p = cx.temp(y, "matmul", cx.dims(y), t, product);
            product = "R.multiply(" + p + ", " + cx.scalar(alpha, y) + ")";
        }
        if (c == null) {
            cx.bind(y, product);
            return;
        }
        String p = cx.temp(y, "matmul", cx.dims(y), t, product);
        String bias = cx.use(c);
        if (beta != 1f) {
            bias = cx.temp(y, "bias", cx.dims(c), cx.dtype(c), "R.multiply(" + bias + ", " + cx.scalar(beta, c) + ")");
        }
        cx.bind(y, "R.add(" + p + ", " + bias + ")");
    }

    private static String operand(Node n, EmitContext cx, int i, boolean transpose) {
        Value v = n.input(i);
        if (!transpose) {
            return cx.use(v);
        }
        long[] d = cx.dims(v);
        return cx.temp(
                n.output(0),
                i == 0 ? "a_t" : "b_t",
                new long[] {d[1], d[0]},
                cx.dtype(v),
                "R.permute_dims(" + cx.use(v) + ", axes=[1, 0])");
    }
}
