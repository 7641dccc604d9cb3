package dev.yard.passes.cleanup;

import com.google.auto.service.AutoService;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.passes.Pass;
import dev.yard.passes.PassContext;
import dev.yard.passes.PassDefinition;
import dev.yard.passes.PassOptions;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

/**
 * {@code dce}: removes nodes none of whose outputs is read (by a later node, a subgraph, or a
 * graph output), and initializers nothing reads. Graph inputs are the model's interface and
 * stay. Runs inside subgraphs too.
 */
public final class DeadCodeElimination implements Pass {

    /** The pipeline declaration of {@code dce}. */
    @AutoService(PassDefinition.class)
    public static final class Definition extends PassDefinition {
        public Definition() {
            super("dce", "Remove nodes and initializers whose results nothing reads.", List.of());
        }

        @Override
        public Pass create(PassOptions options) {
            return new DeadCodeElimination();
        }
    }

    @Override
    public boolean run(Model model, PassContext context) {
        return sweep(model.graph());
    }

    /** One backward sweep suffices: nodes are in topological order, so users come after producers. */
    private static boolean sweep(Graph g) {
        boolean changed = false;
        for (Node n : g.nodes()) {
            for (Graph sub : n.subgraphs()) {
                changed |= sweep(sub);
            }
        }
        Map<Value, Boolean> live = new IdentityHashMap<>();
        for (Value v : g.outputs()) {
            live.put(v, true);
        }
        ListIterator<Node> it = g.nodes().listIterator(g.nodes().size());
        while (it.hasPrevious()) {
            Node n = it.previous();
            boolean used = n.outputs().stream().anyMatch(v -> v != null && live.containsKey(v));
            if (!used) {
                it.remove();
                changed = true;
                continue;
            }
            for (Value v : reads(n)) {
                live.put(v, true);
            }
        }
        int before = g.initializers().size();
        g.initializers().removeIf(v -> !live.containsKey(v) && !g.inputs().contains(v));
        return changed || g.initializers().size() != before;
    }

    /** Inputs of a node and the outer values its subgraphs read. */
    private static List<Value> reads(Node n) {
        List<Value> r = new ArrayList<>();
        for (Value v : n.inputs()) {
            if (v != null) {
                r.add(v);
            }
        }
        for (Graph sub : n.subgraphs()) {
            collectReads(sub, r);
        }
        return r;
    }

    private static void collectReads(Graph g, List<Value> out) {
        for (Node n : g.nodes()) {
            out.addAll(reads(n));
        }
        out.addAll(g.outputs());
    }
}
