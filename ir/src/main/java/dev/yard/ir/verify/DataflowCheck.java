package dev.yard.ir.verify;

import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that values flow soundly through a graph and the subgraphs it holds: every name is
 * defined once across nested scopes, every use follows its definition, every graph output
 * is defined, and initializers carry the type of their contents. A use that comes too early
 * is told apart as a cycle (the producer depends on the user) or as mere misordering.
 */
final class DataflowCheck {
    /** Reports a problem about {@code where}. */
    interface Sink {
        void report(String where, String message);
    }

    private final Sink sink;
    private final NodeVisitor perNode;

    /** Called for every node once its inputs are known to be sound, with its scope prefix. */
    interface NodeVisitor {
        void visit(Node n, String where);
    }

    DataflowCheck(Sink sink, NodeVisitor perNode) {
        this.sink = sink;
        this.perNode = perNode;
    }

    void check(Graph g, Scope outer, String context) {
        Scope scope = new Scope(outer);
        String graphWhere = "graph " + (g.name().isEmpty() ? "(unnamed)" : g.name()) + context;
        for (Value v : g.inputs()) {
            define(scope, v, graphWhere, "graph input");
        }
        for (Value v : g.initializers()) {
            Value input = scope.definedHere(v.name()) ? scope.lookup(v.name()) : null;
            // An initializer may share its name with a graph input: it is that input's default.
            if (input == null || !g.inputs().contains(input)) {
                define(scope, v, graphWhere, "initializer");
            }
            ValueType want = ValueType.tensor(
                    v.initializer().elementType(), v.initializer().shape());
            if (v.type() != null && !want.equals(v.type())) {
                sink.report(graphWhere, "initializer " + v.name() + " holds " + want + " but is typed " + v.type());
            }
        }
        Map<Value, Integer> producedAt = new IdentityHashMap<>();
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (Value v : nodes.get(i).outputs()) {
                if (v != null) {
                    producedAt.putIfAbsent(v, i);
                }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String where = n.describe() + context;
            for (Value v : n.inputs()) {
                if (v != null) {
                    checkUse(scope, v, n, i, producedAt, nodes, where);
                }
            }
            for (var sub : n.subgraphs()) {
                // A body sees what is defined before its node, not the node's own outputs.
                check(sub, scope, " in " + n.describe() + context);
            }
            perNode.visit(n, where);
            for (Value v : n.outputs()) {
                if (v != null) {
                    define(scope, v, where, "output");
                }
            }
        }
        for (Value v : g.outputs()) {
            Value d = v == null ? null : scope.lookup(v.name());
            if (v == null) {
                sink.report(graphWhere, "has an omitted graph output");
            } else if (d == null) {
                sink.report(graphWhere, "graph output " + v.name() + " is not defined");
            } else if (d != v) {
                sink.report(graphWhere, "graph output " + v.name() + " is a different value than the one defined");
            }
        }
    }

    private void define(Scope scope, Value v, String where, String what) {
        Value before = scope.lookup(v.name());
        if (before != null) {
            String by = before.producer() != null
                    ? "by " + before.producer().describe()
                    : before.isInitializer() ? "as an initializer" : "as a graph input";
            String shadow = scope.definedHere(v.name()) ? "" : " in an enclosing graph";
            sink.report(where, what + " " + v.name() + " is already defined " + by + shadow);
        }
        scope.define(v);
    }

    private void checkUse(
            Scope scope, Value v, Node user, int at, Map<Value, Integer> producedAt, List<Node> nodes, String where) {
        Value d = scope.lookup(v.name());
        if (d == v) {
            return;
        }
        if (d != null) {
            sink.report(where, "input " + v.name() + " is a different value than the " + v.name() + " in scope");
            return;
        }
        Integer later = producedAt.get(v);
        if (later == null) {
            sink.report(where, "input " + v.name() + " is not defined");
        } else if (dependsOn(nodes.get(later), user)) {
            sink.report(
                    where,
                    "input " + v.name() + " is produced by " + nodes.get(later).describe()
                            + ", which depends on this node: a cycle");
        } else {
            sink.report(
                    where,
                    "input " + v.name() + " is used before " + nodes.get(later).describe()
                            + " defines it: nodes are not in topological order");
        }
    }

    /** True when {@code from} reads, directly or through other nodes, an output of {@code target}. */
    private static boolean dependsOn(Node from, Node target) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> work = new ArrayDeque<>();
        work.push(from);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (n == target) {
                return true;
            }
            if (!seen.add(n)) {
                continue;
            }
            pushProducers(n, work);
        }
        return false;
    }

    /** Pushes the producers of a node's inputs, including what its subgraphs read from outside. */
    private static void pushProducers(Node n, Deque<Node> work) {
        for (Value in : n.inputs()) {
            if (in != null && in.producer() != null) {
                work.push(in.producer());
            }
        }
        for (var sub : n.subgraphs()) {
            for (Node inner : sub.nodes()) {
                pushProducers(inner, work);
            }
        }
    }
}
