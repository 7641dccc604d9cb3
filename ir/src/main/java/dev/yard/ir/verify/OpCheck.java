package dev.yard.ir.verify;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Value;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Checks one node of the CNN op set against its ONNX signature: arity, attributes and their
 * kinds, element types shared by inputs, and a few op-specific rules (Constant holds exactly
 * one value; Transpose's perm is a permutation of the input's axes; ...). Nodes of other ops
 * and domains pass untouched.
 */
final class OpCheck {
    private static final Set<String> AUTO_PADS = Set.of("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID");

    private OpCheck() {}

    static void check(Node n, long opset, Consumer<String> problem) {
        if (!n.isDefaultDomain()) {
            return;
        }
        OpSignature sig = CnnOpSet.signature(n.opType(), opset);
        if (sig == null) {
            return;
        }
        arity("input", n.inputs(), sig.minInputs(), sig.maxInputs(), problem);
        arity("output", n.outputs(), sig.minOutputs(), sig.maxOutputs(), problem);
        for (String req : sig.required()) {
            if (n.attribute(req) == null) {
                problem.accept("required attribute '" + req + "' is missing");
            }
        }
        for (Attribute a : n.attributes().values()) {
            Attribute.Kind want = sig.attributes().get(a.name());
            if (want != null && a.kind() != want) {
                problem.accept("attribute '" + a.name() + "' must be " + want.textName() + ", not "
                        + a.kind().textName());
            }
        }
        for (int[] group : sig.sameType()) {
            sameType(n, CnnOpSet.sameTypeGroup(group, n.inputs().size()), problem);
        }
        special(n, problem);
    }

    /** Counts up to the last given entry: omitted trailing optionals do not count, inner ones do. */
    private static void arity(String what, List<Value> vs, int min, int max, Consumer<String> problem) {
        int count = vs.size();
        while (count > 0 && vs.get(count - 1) == null) {
            count--;
        }
        if (count < min || count > max) {
            String range = min == max
                    ? Integer.toString(min)
                    : max == OpSignature.MANY ? "at least " + min : min + " to " + max;
            problem.accept("has " + count + " " + what + "s, ONNX allows " + range);
            return;
        }
        for (int i = 0; i < Math.min(min, vs.size()); i++) {
            if (vs.get(i) == null) {
                problem.accept("required " + what + " " + i + " is omitted");
            }
        }
    }

    private static void sameType(Node n, int[] group, Consumer<String> problem) {
        ElementType first = null;
        int firstAt = -1;
        for (int i : group) {
            Value v = n.input(i);
            ElementType e = v == null ? null : v.elementType();
            if (e == null) {
                continue;
            }
            if (first == null) {
                first = e;
                firstAt = i;
            } else if (e != first) {
                problem.accept("input " + i + " (" + v.name() + ") is " + e.textName() + " but input " + firstAt + " ("
                        + n.input(firstAt).name() + ") is " + first.textName() + "; ONNX requires one type");
            }
        }
    }

    private static void special(Node n, Consumer<String> problem) {
        Attribute autoPad = n.attribute("auto_pad");
        if (autoPad != null
                && autoPad.kind() == Attribute.Kind.STRING
                && !autoPad.isReference()
                && !AUTO_PADS.contains(autoPad.asString())) {
            problem.accept("auto_pad '" + autoPad.asString() + "' is not one of " + AUTO_PADS);
        }
        switch (n.opType()) {
            case "Constant" -> constant(n, problem);
            case "Transpose" -> transpose(n, problem);
            case "Cast" -> {
                Attribute to = n.attribute("to");
                if (to != null
                        && to.kind() == Attribute.Kind.INT
                        && !to.isReference()
                        && ElementType.fromCode((int) to.asLong()) == null) {
                    problem.accept("Cast 'to' = " + to.asLong() + " is not an element type");
                }
            }
            case "Concat", "Gather", "Softmax", "LogSoftmax", "Split", "ArgMax", "ArgMin" -> axis(n, problem);
            case "Conv", "ConvTranspose" -> {
                window(n, problem);
                Attribute g = n.attribute("group");
                if (g != null && g.kind() == Attribute.Kind.INT && !g.isReference() && g.asLong() < 1) {
                    problem.accept("group " + g.asLong() + " must be at least 1");
                }
            }
            case "MaxPool", "AveragePool", "LpPool" -> {
                window(n, problem);
                long[] k = intsOrNull(n, "kernel_shape");
                Shape x = n.input(0) == null ? null : n.input(0).shape();
                if (k != null && x != null && k.length != x.rank() - 2) {
                    problem.accept("kernel_shape " + Arrays.toString(k) + " does not fit input " + x);
                }
            }
            default -> {}
        }
    }

    /**
     * The sliding-window attributes every kernel divides or indexes by: a zero stride or a
     * negative pad makes ONNX Runtime fail hard (a division by zero, a read out of bounds)
     * instead of refusing the model, so they are refused here, where the file is named.
     */
    private static void window(Node n, Consumer<String> problem) {
        within(n, "strides", 1, problem);
        within(n, "dilations", 1, problem);
        within(n, "kernel_shape", 1, problem);
        within(n, "pads", 0, problem);
    }

    /** Window sizes past this are no image's: every kernel and cost computes them in 32 bits. */
    static final long MAX_WINDOW = Integer.MAX_VALUE / 4;

    private static void within(Node n, String name, long min, Consumer<String> problem) {
        long[] v = intsOrNull(n, name);
        if (v == null) {
            return;
        }
        for (long x : v) {
            if (x < min || x > MAX_WINDOW) {
                problem.accept(name + " " + Arrays.toString(v) + " must all lie in " + min + ".." + MAX_WINDOW);
                return;
            }
        }
    }

    private static long[] intsOrNull(Node n, String name) {
        Attribute a = n.attribute(name);
        return a == null || a.isReference() || a.kind() != Attribute.Kind.INTS ? null : a.asLongs();
    }

    private static void constant(Node n, Consumer<String> problem) {
        long count = n.attributes().keySet().stream()
                .filter(CnnOpSet.CONSTANT_VALUES::contains)
                .count();
        if (count != 1) {
            problem.accept("needs exactly one of " + CnnOpSet.CONSTANT_VALUES + ", has " + count);
        }
    }

    private static void transpose(Node n, Consumer<String> problem) {
        long[] perm = intsOrNull(n, "perm");
        Shape x = n.input(0) == null ? null : n.input(0).shape();
        if (perm == null) {
            return;
        }
        if (x != null && perm.length != x.rank()) {
            problem.accept("perm " + Arrays.toString(perm) + " has " + perm.length + " entries but the input has rank "
                    + x.rank());
            return;
        }
        boolean[] seen = new boolean[perm.length];
        for (long p : perm) {
            if (p < 0 || p >= perm.length || seen[(int) p]) {
                problem.accept("perm " + Arrays.toString(perm) + " is not a permutation");
                return;
            }
            seen[(int) p] = true;
        }
    }

    private static void axis(Node n, Consumer<String> problem) {
        Attribute a = n.attribute("axis");
        Shape x = n.input(0) == null ? null : n.input(0).shape();
        if (a == null || a.isReference() || a.kind() != Attribute.Kind.INT || x == null) {
            return;
        }
        long axis = a.asLong();
        if (axis < -x.rank() || axis >= x.rank()) {
            problem.accept("axis " + axis + " is out of range for input rank " + x.rank());
        }
    }
}
