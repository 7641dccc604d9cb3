package dev.yard.backend.tvm.emit;

import dev.yard.backend.tvm.ffi.DType;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RNN, GRU and LSTM, forward and with their default activations, unrolled over the static
 * sequence length (sequence_lens refused): per step one matmul with the input weights, one with the recurrent
 * weights, and the gates as ONNX defines them (GRU's linear_before_reset both ways, LSTM's
 * peepholes). Y, Y_h and LSTM's Y_c as asked for, in either layout.
 */
final class RecurrentOps {
    private RecurrentOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("RNN", (n, cx) -> unroll(n, cx, 1));
        rules.put("GRU", (n, cx) -> unroll(n, cx, 3));
        rules.put("LSTM", (n, cx) -> unroll(n, cx, 4));
    }

    private static Value in(Node n, int i) {
        return n.inputs().size() > i ? n.input(i) : null;
    }

    private static Value out(Node n, int i) {
        return n.outputs().size() > i ? n.output(i) : null;
    }

    private static void unroll(Node n, EmitContext cx, int gates) {
        if (!n.stringAttr("direction", "forward").equals("forward")) {
            throw cx.unsupported(n.opType() + " direction '" + n.stringAttr("direction", "") + "' is not supported");
        }
        if (n.attribute("activations") != null || n.attribute("clip") != null) {
            throw cx.unsupported(n.opType() + " with activations or clip is not supported");
        }
        if (in(n, 4) != null) {
            throw cx.unsupported(n.opType() + " with sequence_lens is not supported");
        }
        boolean batchFirst = n.intAttr("layout", 0) != 0;
        Value x = n.input(0);
        Value anchor = n.outputs().stream().filter(v -> v != null).findFirst().orElseThrow();
        long[] xd = cx.dims(x);
        long steps = batchFirst ? xd[1] : xd[0];
        long batch = batchFirst ? xd[0] : xd[1];
        long inSize = xd[2];
        long h = n.intAttr("hidden_size", cx.dims(n.input(2))[2]);
        long g = gates * h;
        DType t = cx.dtype(x);
        Step s = new Step(cx, anchor, t, batch, h);
        String w = s.let(
                "wt",
                new long[] {inSize, g},
                "R.permute_dims(R.reshape(" + cx.use(n.input(1)) + ", R.shape(" + EmitContext.list(g, inSize)
                        + ")), axes=[1, 0])");
        String r = s.let(
                "rt",
                new long[] {h, g},
                "R.permute_dims(R.reshape(" + cx.use(n.input(2)) + ", R.shape(" + EmitContext.list(g, h)
                        + ")), axes=[1, 0])");
        String wb = null;
        String rb = null;
        if (in(n, 3) != null) {
            String b =
                    s.let("b", new long[] {2 * g}, "R.reshape(" + cx.use(n.input(3)) + ", R.shape([" + 2 * g + "]))");
            wb = s.let("wb", new long[] {g}, s.slice(b, 0, 0, g));
            rb = s.let("rb", new long[] {g}, s.slice(b, 0, g, 2 * g));
        }
        long[] bh = {batch, h};
        String hidden = in(n, 5) != null
                ? s.let("h0", bh, "R.reshape(" + cx.use(n.input(5)) + ", R.shape(" + EmitContext.list(bh) + "))")
                : s.let("h0", bh, "R.zeros(R.shape(" + EmitContext.list(bh) + "), dtype=\"" + t.tvmName() + "\")");
        String cell = null;
        String peep = null;
        if (gates == 4) {
            cell = in(n, 6) != null
                    ? s.let("c0", bh, "R.reshape(" + cx.use(n.input(6)) + ", R.shape(" + EmitContext.list(bh) + "))")
                    : s.let("c0", bh, "R.zeros(R.shape(" + EmitContext.list(bh) + "), dtype=\"" + t.tvmName() + "\")");
            if (in(n, 7) != null) {
                peep = s.let(
                        "p", new long[] {3 * h}, "R.reshape(" + cx.use(n.input(7)) + ", R.shape([" + 3 * h + "]))");
            }
        }
        List<String> ys = new ArrayList<>();
        for (long i = 0; i < steps; i++) {
            String xt = s.let(
                    "x" + i,
                    new long[] {batch, inSize},
                    "R.reshape(" + s.slice(cx.use(x), batchFirst ? 1 : 0, i, i + 1) + ", R.shape("
                            + EmitContext.list(batch, inSize) + "))");
            String xw = s.let("xw" + i, new long[] {batch, g}, "R.matmul(" + xt + ", " + w + ")");
            if (wb != null) {
                xw = s.let("xwb" + i, new long[] {batch, g}, "R.add(" + xw + ", " + wb + ")");
            }
            String hr = s.let("hr" + i, new long[] {batch, g}, "R.matmul(" + hidden + ", " + r + ")");
            if (rb != null) {
                hr = s.let("hrb" + i, new long[] {batch, g}, "R.add(" + hr + ", " + rb + ")");
            }
            switch (gates) {
                case 1 -> hidden = s.let("h" + (i + 1), bh, "R.tanh(R.add(" + xw + ", " + hr + "))");
                case 3 -> hidden = s.gru(i, xw, hr, hidden, n.intAttr("linear_before_reset", 0) != 0, r, rb);
                default -> {
                    String[] hc = s.lstm(i, xw, hr, cell, peep);
                    hidden = hc[0];
                    cell = hc[1];
                }
            }
            ys.add(hidden);
        }
        Value y = out(n, 0);
        if (y != null) {
            long[] one = batchFirst ? new long[] {batch, 1, 1, h} : new long[] {1, 1, batch, h};
            StringBuilder parts = new StringBuilder();
            for (int i = 0; i < ys.size(); i++) {
                String step = ys.get(i);
                String e = s.let("y" + i, one, "R.reshape(" + step + ", R.shape(" + EmitContext.list(one) + "))");
                parts.append(parts.length() == 0 ? "" : ", ").append(e);
            }
            cx.bind(y, "R.concat((" + parts + (ys.size() == 1 ? ",)" : ")") + ", axis=" + (batchFirst ? 1 : 0) + ")");
        }
        long[] last = batchFirst ? new long[] {batch, 1, h} : new long[] {1, batch, h};
        if (out(n, 1) != null) {
            cx.bind(out(n, 1), "R.reshape(" + hidden + ", R.shape(" + EmitContext.list(last) + "))");
        }
        if (gates == 4 && out(n, 2) != null) {
            cx.bind(out(n, 2), "R.reshape(" + cell + ", R.shape(" + EmitContext.list(last) + "))");
        }
    }

    /** Binds the temporaries of one unrolled op, all named after its first output. */
    private record Step(EmitContext cx, Value anchor, DType t, long batch, long h) {
        String let(String suffix, long[] dims, String expr) {
            return cx.temp(anchor, suffix, dims, t, expr);
        }

        String slice(String v, int axis, long begin, long end) {
            return "R.strided_slice(" + v + ", axes=[" + axis + "], begin=[" + begin + "], end=[" + end
                    + "], strides=[1])";
        }

        /** Gate {@code k} (of width h) of a [batch, k*h] row block. */
        String gate(String v, int k) {
            return slice(v, 1, k * h, (k + 1) * h);
        }

        String sigmoid(String suffix, String expr) {
            return let(suffix, new long[] {batch, h}, "R.sigmoid(" + expr + ")");
        }

        /** GRU, gates z, r, h: H' = (1 - z) h~ + z H. */
        String gru(long i, String xw, String hr, String hidden, boolean linearBeforeReset, String r, String rb) {
            long[] bh = {batch, h};
            String z = sigmoid("z" + i, "R.add(" + gate(xw, 0) + ", " + gate(hr, 0) + ")");
            String reset = sigmoid("r" + i, "R.add(" + gate(xw, 1) + ", " + gate(hr, 1) + ")");
            String recurrent;
            if (linearBeforeReset) {
                recurrent = "R.multiply(" + reset + ", " + gate(hr, 2) + ")";
            } else {
                String rh = let("rh" + i, bh, "R.multiply(" + reset + ", " + hidden + ")");
                String rr = let("rr" + i, new long[] {h, h}, slice(r, 1, 2 * h, 3 * h));
                recurrent = "R.matmul(" + rh + ", " + rr + ")";
                if (rb != null) {
                    recurrent = "R.add(" + recurrent + ", " + slice(rb, 0, 2 * h, 3 * h) + ")";
                }
            }
            String cand = let("n" + i, bh, "R.tanh(R.add(" + gate(xw, 2) + ", " + recurrent + "))");
            String keep = let(
                    "zn" + i,
                    bh,
                    "R.multiply(R.subtract(R.const(1.0, \"" + t.tvmName() + "\"), " + z + "), " + cand + ")");
            return let("h" + (i + 1), bh, "R.add(" + keep + ", R.multiply(" + z + ", " + hidden + "))");
        }

        /** LSTM, gates i, o, f, c, peepholes i, o, f: returns the new hidden and cell states. */
        String[] lstm(long i, String xw, String hr, String cell, String peep) {
            long[] bh = {batch, h};
            String pre = let("g" + i, new long[] {batch, 4 * h}, "R.add(" + xw + ", " + hr + ")");
            String in = gate(pre, 0);
            String forget = gate(pre, 2);
            if (peep != null) {
                in = "R.add(" + in + ", R.multiply(" + slice(peep, 0, 0, h) + ", " + cell + "))";
                forget = "R.add(" + forget + ", R.multiply(" + slice(peep, 0, 2 * h, 3 * h) + ", " + cell + "))";
            }
            String ig = sigmoid("i" + i, in);
            String fg = sigmoid("f" + i, forget);
            String c = let("ct" + i, bh, "R.tanh(" + gate(pre, 3) + ")");
            String next = let(
                    "c" + (i + 1),
                    bh,
                    "R.add(R.multiply(" + fg + ", " + cell + "), R.multiply(" + ig + ", " + c + "))");
            String out = gate(pre, 1);
            if (peep != null) {
                out = "R.add(" + out + ", R.multiply(" + slice(peep, 0, h, 2 * h) + ", " + next + "))";
            }
            String og = sigmoid("o" + i, out);
            return new String[] {let("h" + (i + 1), bh, "R.multiply(" + og + ", R.tanh(" + next + "))"), next};
        }
    }
}
