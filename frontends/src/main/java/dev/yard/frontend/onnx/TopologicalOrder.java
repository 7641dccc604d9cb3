package dev.yard.frontend.onnx;

import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.ir.YardException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Orders nodes so that every value is produced before it is read, moving as few nodes as
 * possible: nodes are taken in file order, and a node whose inputs are not yet produced pulls
 * its producers in just before it. An already sorted file keeps its order exactly (so ONNX
 * Runtime runs the same schedule on Yard's output as on the original). ONNX requires sorted
 * files, but exporters do not always comply and ONNX Runtime accepts them; a true cycle is an
 * error.
 */
final class TopologicalOrder {
    private TopologicalOrder() {}

    static List<Node> sort(List<Node> nodes, String where) {
        Map<Node, Boolean> inGraph = new IdentityHashMap<>();
        for (Node n : nodes) {
            inGraph.put(n, true);
        }
        Map<Node, Integer> state = new IdentityHashMap<>(); // 1: on the stack, 2: emitted
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node root : nodes) {
            if (state.containsKey(root)) {
                continue;
            }
            // Iterative depth-first walk over producers, so deep graphs cannot overflow the stack.
            Deque<Node> stack = new ArrayDeque<>();
            Deque<Iterator<Value>> pending = new ArrayDeque<>();
            stack.push(root);
            pending.push(reads(root).iterator());
            state.put(root, 1);
            while (!stack.isEmpty()) {
                Iterator<Value> it = pending.peek();
                Node next = null;
                while (it.hasNext() && next == null) {
                    Node p = it.next().producer();
                    if (p == null || !inGraph.containsKey(p)) {
                        continue;
                    }
                    Integer st = state.get(p);
                    if (st == null) {
                        next = p;
                    } else if (st == 1) {
                        throw YardException.badInput(where + ": the graph has a cycle through node " + p.describe());
                    }
                }
                if (next != null) {
                    state.put(next, 1);
                    stack.push(next);
                    pending.push(reads(next).iterator());
                } else {
                    Node done = stack.pop();
                    pending.pop();
                    state.put(done, 2);
                    out.add(done);
                }
            }
        }
        return out;
    }

    /**
     * Values a node depends on: its inputs and, for nodes with subgraphs, every outer value
     * the subgraphs read (a dependency ONNX leaves implicit).
     */
    static List<Value> reads(Node n) {
        List<Value> r = new ArrayList<>();
        for (Value v : n.inputs()) {
            if (v != null) {
                r.add(v);
            }
        }
        if (!n.subgraphs().isEmpty()) {
            Map<Value, Boolean> seen = new IdentityHashMap<>();
            Deque<Graph> todo = new ArrayDeque<>(n.subgraphs());
            Map<Value, Boolean> inner = new IdentityHashMap<>();
            while (!todo.isEmpty()) {
                Graph g = todo.pop();
                for (Value v : g.valuesByName().values()) {
                    inner.put(v, true);
                }
                for (Node sn : g.nodes()) {
                    for (Value v : sn.inputs()) {
                        if (v != null) {
                            seen.put(v, true);
                        }
                    }
                    todo.addAll(sn.subgraphs());
                }
                for (Value v : g.outputs()) {
                    seen.put(v, true);
                }
            }
            for (Value v : seen.keySet()) {
                if (!inner.containsKey(v)) {
                    r.add(v);
                }
            }
        }
        return r;
    }
}
