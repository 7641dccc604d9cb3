package dev.yard.ir.infer;

import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import dev.yard.ir.verify.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fills in the types of node outputs from their inputs, for the CNN operator set (see
 * {@link #coveredOps()}), inside If/Loop/Scan bodies too. Types already on values (value_info
 * from the file) are kept where inference knows less; where inference knows more it refines
 * them, and where the two definitely disagree the value keeps its declared type and the
 * disagreement is reported. Ops without a rule, and ops of other domains, are left alone.
 */
public final class ShapeInference {
    private final long opset;
    private final ConstantValues constants;
    private final List<Problem> problems = new ArrayList<>();

    private ShapeInference(long opset, Set<Value> overridable) {
        this.opset = opset;
        this.constants = new ConstantValues(overridable);
    }

    /** Infers types throughout the model's main graph; answers the problems found (empty when none). */
    public static List<Problem> infer(Model model) {
        return infer(model.graph(), model.defaultOpset());
    }

    /** Infers types in {@code graph} interpreted under default-domain {@code opset}. */
    public static List<Problem> infer(Graph graph, long opset) {
        Set<Value> overridable = Collections.newSetFromMap(new IdentityHashMap<>());
        collectOverridable(graph, overridable);
        ShapeInference s = new ShapeInference(opset, overridable);
        s.inferGraph(graph);
        return List.copyOf(s.problems);
    }

    /** Like {@link #infer(Model)} but throws a bad-input error listing the problems, if any. */
    public static void inferOrThrow(Model model) {
        List<Problem> p = infer(model);
        if (!p.isEmpty()) {
            throw YardException.badInput("shape inference found " + p.size() + " problem(s):\n  "
                    + p.stream().map(Problem::toString).collect(Collectors.joining("\n  ")));
        }
    }

    /** The default-domain op types that have a shape rule (If and Loop are handled besides). */
    public static Set<String> coveredOps() {
        return ShapeRules.covered();
    }

    private static void collectOverridable(Graph g, Set<Value> out) {
        Set<String> inputNames = new HashSet<>();
        for (Value v : g.inputs()) {
            inputNames.add(v.name());
        }
        for (Value v : g.initializers()) {
            if (inputNames.contains(v.name())) {
                out.add(v);
            }
        }
        for (Node n : g.nodes()) {
            for (Graph sub : n.subgraphs()) {
                collectOverridable(sub, out);
            }
        }
    }

    private void inferGraph(Graph g) {
        for (Node n : g.nodes()) {
            if (!n.isDefaultDomain()) {
                continue;
            }
            if (n.is("Loop")) {
                typeLoopBody(n);
            }
            for (Graph sub : n.subgraphs()) {
                inferGraph(sub);
            }
            try {
                List<ValueType> types = outputTypes(n);
                if (types != null) {
                    apply(n, types);
                }
            } catch (ShapeError e) {
                problems.add(new Problem(n.describe(), e.getMessage()));
            } catch (ClassCastException | ArithmeticException | IndexOutOfBoundsException e) {
                // A malformed attribute or tensor (the verifier names it); inference skips the node.
                problems.add(new Problem(n.describe(), "cannot infer shapes: " + e));
            }
        }
    }

    private List<ValueType> outputTypes(Node n) {
        if (n.is("If")) {
            return ifOutputs(n);
        }
        if (n.is("Loop")) {
            return loopOutputs(n);
        }
        ShapeRule rule = ShapeRules.forOp(n.opType());
        return rule == null ? null : rule.infer(new NodeContext(n, opset, constants));
    }

    private void apply(Node n, List<ValueType> types) {
        for (int i = 0; i < Math.min(types.size(), n.outputs().size()); i++) {
            Value v = n.output(i);
            if (v == null) {
                continue;
            }
            TypeMerge.Result r = TypeMerge.merge(v.type(), types.get(i));
            if (r.conflict() != null) {
                problems.add(new Problem(n.describe(), "output " + v.name() + ": " + r.conflict()));
            }
            ValueType t = r.type();
            String tooBig = tooBig(t);
            if (tooBig != null) {
                problems.add(new Problem(n.describe(), "output " + v.name() + ": " + tooBig));
                t = new ValueType.TensorType(((ValueType.TensorType) t).elementType(), null);
            }
            v.setType(t);
        }
    }

    /** Elements an inferred tensor may have (2^36: 256 GiB of float32); beyond is a broken model, not a CNN. */
    static final long MAX_ELEMENTS = 1L << 36;

    /** Why a static tensor type is too large to be real, or null. */
    private static String tooBig(ValueType t) {
        if (!(t instanceof ValueType.TensorType tt)
                || tt.shape() == null
                || !tt.shape().isStatic()) {
            return null;
        }
        long n = 1;
        for (int i = 0; i < tt.shape().rank(); i++) {
            long d = tt.shape().dim(i).sizeOrNegative();
            if (d != 0 && n > MAX_ELEMENTS / d) {
                return "shape " + tt.shape() + " has more than " + MAX_ELEMENTS + " elements";
            }
            n *= d;
        }
        return null;
    }

    /**
     * The subgraph in attribute {@code name} of a control-flow node, or null when the attribute
     * is missing, a function's reference or of another kind (the op set does not cover If and
     * Loop, so nothing else has checked it).
     */
    private static Graph graphAttribute(Node n, String name) {
        Attribute a = n.attribute(name);
        return a == null || a.isReference() || a.kind() != Attribute.Kind.GRAPH ? null : a.asGraph();
    }

    /** If's outputs are what both branches agree on. */
    private static List<ValueType> ifOutputs(Node n) {
        Graph thenG = graphAttribute(n, "then_branch");
        Graph elseG = graphAttribute(n, "else_branch");
        if (thenG == null || elseG == null) {
            return null;
        }
        List<Value> a = thenG.outputs();
        List<Value> b = elseG.outputs();
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            out.add(join(a.get(i).type(), b.get(i).type()));
        }
        return out;
    }

    /** The most precise type that covers both: what a value may be when it is either. */
    static ValueType join(ValueType a, ValueType b) {
        if (a == null || b == null) {
            return null;
        }
        if (!(a instanceof ValueType.TensorType ta) || !(b instanceof ValueType.TensorType tb)) {
            return a.equals(b) ? a : null;
        }
        var e = ta.elementType() == tb.elementType() ? ta.elementType() : null;
        Shape s = null;
        if (ta.shape() != null
                && tb.shape() != null
                && ta.shape().rank() == tb.shape().rank()) {
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < ta.shape().rank(); i++) {
                Dim x = ta.shape().dim(i);
                dims.add(x.equals(tb.shape().dim(i)) ? x : Dim.UNKNOWN);
            }
            s = new Shape(dims);
        }
        return ValueType.tensor(e, s);
    }

    /** Gives Loop's body inputs (iteration number, condition, carried values) types where missing. */
    private static void typeLoopBody(Node n) {
        Graph body = graphAttribute(n, "body");
        if (body == null) {
            return;
        }
        List<Value> in = body.inputs();
        for (int i = 0; i < in.size(); i++) {
            ValueType t = i == 0
                    ? ValueType.tensor(dev.yard.ir.ElementType.INT64, Dims.SCALAR)
                    : i == 1
                            ? ValueType.tensor(dev.yard.ir.ElementType.BOOL, Dims.SCALAR)
                            : n.input(i) == null ? null : n.input(i).type();
            if (in.get(i).type() == null && t != null) {
                in.get(i).setType(t);
            }
        }
    }

    /** Loop's outputs: the final carried values, then scan outputs stacked along a new first axis. */
    private static List<ValueType> loopOutputs(Node n) {
        Graph body = graphAttribute(n, "body");
        if (body == null) {
            return null;
        }
        List<Value> bodyOut = body.outputs();
        int carried = Math.max(0, n.inputs().size() - 2);
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < n.outputs().size() && i + 1 < bodyOut.size(); i++) {
            ValueType t = bodyOut.get(i + 1).type();
            if (i < carried) {
                out.add(t);
            } else if (t instanceof ValueType.TensorType tt) {
                Shape s = tt.shape();
                List<Dim> dims = new ArrayList<>();
                dims.add(Dim.UNKNOWN);
                if (s != null) {
                    dims.addAll(s.dims());
                }
                out.add(ValueType.tensor(tt.elementType(), s == null ? null : new Shape(dims)));
            } else {
                out.add(null);
            }
        }
        return out;
    }
}
