package dev.yard.passes.fold;

import com.google.auto.service.AutoService;
import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.OptionSpec;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.eval.Arr;
import dev.yard.passes.eval.Evaluator;
import dev.yard.passes.rewrite.Rewrites;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code fold-constants}: turns Constant nodes into initializers, then evaluates every node
 * whose inputs are all constant (or a Shape or Size of a value whose shape is fully static)
 * with {@link Evaluator} and replaces it by an initializer of the same name, so graph outputs
 * and later uses are unaffected. This clears the Shape, Gather, Concat, Reshape chains that
 * exporters leave behind once the input shape is fixed.
 *
 * <p>One sweep in topological order reaches the fixpoint: a node's producers are visited
 * before it, so when it is visited every input that can become constant already has. No loop,
 * hence nothing to prove about termination. Works on the main graph; subgraphs are left alone.
 * Shapes come from the value types in the IR (the pass manager infers them before every pass).
 */
public final class FoldConstants implements Pass {

    /** The pipeline declaration of {@code fold-constants}. */
    @AutoService(PassDefinition.class)
    public static final class Definition extends PassDefinition {
        public Definition() {
            super(
                    "fold-constants",
                    "Turn Constant nodes into initializers and evaluate constant subgraphs.",
                    List.of(OptionSpec.integer(
                            "max-elements", 1 << 20, "do not fold a node whose result has more elements than this")));
        }

        @Override
        public Pass create(PassOptions options) {
            return new FoldConstants(options.integer("max-elements"));
        }
    }

    private final Evaluator evaluator;

    FoldConstants(long maxElements) {
        this.evaluator = new Evaluator(maxElements);
    }

    @Override
    public boolean run(Model model, PassContext context) {
        Graph g = model.graph();
        boolean changed = false;
        for (Node n : new ArrayList<>(g.nodes())) {
            if (!n.isDefaultDomain()
                    || n.outputs().size() != 1
                    || n.output(0) == null
                    || !n.subgraphs().isEmpty()) {
                continue;
            }
            try {
                Tensor t = n.is("Constant") ? constantValue(n) : evaluate(g, n);
                if (t != null) {
                    replaceByInitializer(g, n, t);
                    changed = true;
                }
            } catch (Evaluator.NotFoldable e) {
                context.skipped(n, e.getMessage());
            }
        }
        return changed;
    }

    /** The result of {@code n} when it can be computed now; null when it is not a candidate at all. */
    private Tensor evaluate(Graph g, Node n) throws Evaluator.NotFoldable {
        if (n.is("Shape") || n.is("Size")) {
            Shape s = n.input(0).shape();
            if (s == null || !s.isStatic()) {
                return null;
            }
            long[] dims = s.sizes();
            if (n.is("Size")) {
                return Tensor.ofLongs(new long[0], Arrays.stream(dims).reduce(1, Math::multiplyExact));
            }
            int r = dims.length;
            int start = (int) clampAxis(n.intAttr("start", 0), r);
            int end = (int) clampAxis(n.intAttr("end", r), r);
            long[] part = Arrays.copyOfRange(dims, start, Math.max(start, end));
            return Tensor.ofLongs(new long[] {part.length}, part);
        }
        List<Arr> inputs = new ArrayList<>();
        for (Value v : n.inputs()) {
            if (v != null && !Rewrites.isConstant(g, v)) {
                return null;
            }
            inputs.add(v == null ? null : Arr.of(v.initializer()));
        }
        if (inputs.isEmpty() || inputs.stream().allMatch(a -> a == null)) {
            return null; // nothing to fold from (a generator such as RandomNormal has no inputs)
        }
        if (!Evaluator.OPS.contains(n.opType())) {
            throw new Evaluator.NotFoldable("all inputs are constant, but there is no evaluator for " + n.opType());
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null && n.input(i) != null) {
                throw new Evaluator.NotFoldable("input " + n.input(i).name() + " has element type "
                        + n.input(i).initializer().elementType().textName()
                        + ", which the evaluator does not compute with");
            }
        }
        try {
            return evaluator.eval(n, inputs).toTensor();
        } catch (RuntimeException e) {
            // A malformed node (bad axis, missing input): leave it for the verifier to name.
            throw new Evaluator.NotFoldable("cannot evaluate: " + e);
        }
    }

    /** Shape's start and end: negative counts from the back, then clamped to [0, rank]. */
    private static long clampAxis(long a, int rank) {
        return Math.max(0, Math.min(rank, a < 0 ? a + rank : a));
    }

    /** The tensor a Constant node holds, in whichever of its attribute forms. */
    private static Tensor constantValue(Node n) throws Evaluator.NotFoldable {
        if (n.attributes().size() != 1) {
            throw new Evaluator.NotFoldable("Constant has " + n.attributes().size() + " attributes, not one");
        }
        Attribute a = n.attributes().values().iterator().next();
        if (a.isReference()) {
            throw new Evaluator.NotFoldable("Constant refers to a function attribute");
        }
        Attribute.Kind expected = switch (a.name()) {
            case "value" -> Attribute.Kind.TENSOR;
            case "value_float" -> Attribute.Kind.FLOAT;
            case "value_floats" -> Attribute.Kind.FLOATS;
            case "value_int" -> Attribute.Kind.INT;
            case "value_ints" -> Attribute.Kind.INTS;
            case "value_string" -> Attribute.Kind.STRING;
            case "value_strings" -> Attribute.Kind.STRINGS;
            default -> null;
        };
        if (expected != null && a.kind() != expected) {
            throw new Evaluator.NotFoldable(
                    "Constant " + a.name() + " is a " + a.kind().textName() + " attribute, not " + expected.textName());
        }
        return switch (a.name()) {
            case "value" -> a.asTensor();
            case "value_float" -> Tensor.ofFloats(new long[0], a.asFloat());
            case "value_floats" -> Tensor.ofFloats(new long[] {a.asFloats().length}, a.asFloats());
            case "value_int" -> Tensor.ofLongs(new long[0], a.asLong());
            case "value_ints" -> Tensor.ofLongs(new long[] {a.asLongs().length}, a.asLongs());
            case "value_string" ->
                Tensor.ofStrings(new long[0], List.of(a.asString().getBytes(StandardCharsets.UTF_8)));
            case "value_strings" -> {
                @SuppressWarnings("unchecked")
                List<String> s = (List<String>) a.value();
                yield Tensor.ofStrings(
                        new long[] {s.size()},
                        s.stream().map(x -> x.getBytes(StandardCharsets.UTF_8)).toList());
            }
            default -> throw new Evaluator.NotFoldable("Constant " + a.name() + " is not folded");
        };
    }

    /** Replaces {@code n} by an initializer holding {@code t} under the name of its output. */
    private static void replaceByInitializer(Graph g, Node n, Tensor t) {
        Value old = n.output(0);
        Value folded = new Value(old.name(), null);
        folded.setInitializer(t);
        g.nodes().remove(n);
        g.initializers().add(folded);
        Rewrites.replaceAllUses(g, old, folded);
    }
}
