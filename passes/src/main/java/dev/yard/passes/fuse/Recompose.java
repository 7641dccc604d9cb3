package dev.yard.passes.fuse;

import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import dev.yard.passes.conv.ConvComposition;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.conv.ConvNodes;
import dev.yard.passes.rewrite.GraphIndex;
import java.util.List;

/**
 * {@code recompose}: multiplies chains of linear convolutions back into one dense conv, the
 * inverse of {@code decompose} (decompose, keep training, convert back). Two convs merge when
 * the first's output feeds only the second and {@link ConvComposition} can compose them
 * exactly; each merge removes a node, so the pass ends. A merged conv that sits between casts
 * from and back to f16 with f16 weights (a {@code precision=f32} chain recomposed) becomes an
 * f16 conv again ({@link Narrowing}). Weights that become unused are left for {@code dce}.
 */
public final class Recompose implements Pass {

    /** The pipeline declaration of {@code recompose}. */
    public static final class Definition extends PassDefinition {
        public Definition() {
            super("recompose", "Multiply chains of linear convolutions back into single dense convolutions.", List.of());
        }

        @Override
        public Pass create(PassOptions options) {
            return new Recompose();
        }
    }

    @Override
    public boolean run(Model model, PassContext context) {
        Graph g = model.graph();
        GraphIndex index = new GraphIndex(model, g);
        boolean changed = false;
        while (scan(g, index, null)) {
            changed = true;
        }
        while (Narrowing.narrowOne(g, index, context)) {
            changed = true;
        }
        // A last scan merges nothing; it only says which adjacent convs stay apart and why.
        scan(g, index, context);
        return changed;
    }

    /** Merges the first mergeable pair found; with a context, reports pairs that cannot merge. */
    private static boolean scan(Graph g, GraphIndex index, PassContext context) {
        for (Node first : List.copyOf(g.nodes())) {
            if (mergeWithUser(first, g, index, context)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mergeWithUser(Node first, Graph g, GraphIndex index, PassContext context) {
        String[] why = new String[1];
        if (!first.is("Conv") || first.outputs().size() != 1) {
            return false;
        }
        Node second = index.soleUser(first.output(0));
        if (second == null || !second.is("Conv") || second.input(0) != first.output(0)) {
            return false;
        }
        ConvLayer a = ConvLayer.of(first, why);
        ConvLayer b = a == null ? null : ConvLayer.of(second, why);
        if (b == null) {
            return false;
        }
        String reason = ConvComposition.whyNot(a, b);
        if (reason != null) {
            if (context != null) {
                context.skipped(second, "not merged with " + first.describe() + ": " + reason);
            }
            return false;
        }
        if (context != null) {
            return false;
        }
        ConvLayer merged = ConvComposition.compose(a, b);
        Node n = ConvNodes.emit(merged, first.input(0), second.output(0), second.name().isEmpty()
                ? index.freshName(second.output(0).name()) : second.name(), g, index);
        index.replace(List.of(first, second), List.of(n));
        return true;
    }
}
