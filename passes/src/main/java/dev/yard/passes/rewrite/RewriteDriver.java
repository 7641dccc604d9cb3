package dev.yard.passes.rewrite;

import dev.yard.ir.Node;
import dev.yard.passes.PassContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies rewrite rules to a graph until none applies: a worklist of nodes, first every node
 * in graph order; the nodes a rewrite touched (what it inserted, then the producers and
 * readers around it) go to the front, so a rewrite that enables another is found without
 * scanning the graph again, and a chain is rewritten from where it starts. Each node is tried against the rules rooted at its op type, in the order given;
 * the first rewrite found is applied. The reasons rules gave for not applying are reported
 * once at the end, for the nodes still in the graph, the latest reason per node and rule.
 *
 * <p>A rule set converges when each rewrite removes a node or otherwise makes the graph
 * smaller by some measure; the driver stops with an internal error after a step budget
 * proportional to the graph's size rather than loop, so a rule that undoes another fails
 * loudly.
 */
public final class RewriteDriver {
    /** Rewrites allowed per node of the graph at the start (plus a constant), before the run counts as looping. */
    static final int STEPS_PER_NODE = 16;

    private RewriteDriver() {}

    /** Runs {@code rules} over {@code index}'s graph to a fixpoint; true if anything was rewritten. */
    public static boolean run(GraphIndex index, PassContext context, List<? extends RewriteRule> rules) {
        Map<String, List<RewriteRule>> byOp = new LinkedHashMap<>();
        for (RewriteRule r : rules) {
            for (String op : r.rootOps()) {
                byOp.computeIfAbsent(op, k -> new java.util.ArrayList<>()).add(r);
            }
        }
        // A node may be queued more than once (touched again before it is tried); trying it twice is harmless.
        Deque<Node> worklist = new ArrayDeque<>(index.graph().nodes());
        Map<Key, RewriteRule.Match.NotApplicable> reasons = new LinkedHashMap<>();
        long budget = (long) STEPS_PER_NODE * index.graph().nodes().size() + 1000;
        long steps = 0;
        boolean changed = false;
        index.drainTouched();
        while (!worklist.isEmpty()) {
            Node n = worklist.poll();
            if (!index.contains(n) || !n.isDefaultDomain()) {
                continue;
            }
            for (RewriteRule rule : byOp.getOrDefault(n.opType(), List.of())) {
                RewriteRule.Match m = rule.match(n, index);
                Key key = new Key(n, rule);
                if (m instanceof RewriteRule.Match.Rewrite rewrite) {
                    if (++steps > budget) {
                        throw new IllegalStateException("rewriting did not converge: more than " + budget
                                + " rewrites on a graph of "
                                + index.graph().nodes().size() + " nodes (last at "
                                + n.describe() + ")");
                    }
                    reasons.remove(key);
                    rewrite.apply().run();
                    changed = true;
                    List<Node> touched = new java.util.ArrayList<>(index.drainTouched());
                    touched.add(n);
                    // Tried next, in the order the rewrite touched them (new nodes first).
                    for (int i = touched.size() - 1; i >= 0; i--) {
                        Node t = touched.get(i);
                        if (index.contains(t)) {
                            worklist.addFirst(t);
                        }
                    }
                    break;
                }
                if (m instanceof RewriteRule.Match.NotApplicable why) {
                    reasons.put(key, why);
                } else {
                    reasons.remove(key);
                }
            }
        }
        for (Map.Entry<Key, RewriteRule.Match.NotApplicable> e : reasons.entrySet()) {
            RewriteRule.Match.NotApplicable why = e.getValue();
            if (index.contains(e.getKey().root()) && index.contains(why.at())) {
                context.skipped(why.at(), why.reason());
            }
        }
        return changed;
    }

    /** A node and a rule tried at it, by identity. */
    private record Key(Node root, RewriteRule rule) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.root == root && k.rule == rule;
        }

        @Override
        public int hashCode() {
            return Objects.hash(System.identityHashCode(root), System.identityHashCode(rule));
        }
    }
}
