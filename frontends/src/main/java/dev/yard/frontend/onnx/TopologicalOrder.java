package dev.yard.frontend.onnx;

import dev.yard.ir.Graph;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.ir.YardException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Orders nodes so that every value is produced before it is read, keeping file order wherever
 * it is already legal (a stable Kahn sort). ONNX requires sorted files, but exporters do not
 * always comply, and ONNX Runtime accepts them; a true cycle is an error.
 */
final class TopologicalOrder {
    private TopologicalOrder() {
    }

    static List<Node> sort(List<Node> nodes, String where) {
        Map<Node, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i), i);
        }
        Map<Node, List<Node>> users = new IdentityHashMap<>();
        int[] pending = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (Value v : reads(n)) {
                Node p = v.producer();
                if (p != null && index.containsKey(p)) {
                    users.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                    pending[i]++;
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> out = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = nodes.get(ready.poll());
            out.add(n);
            for (Node u : users.getOrDefault(n, List.of())) {
                int j = index.get(u);
                if (--pending[j] == 0) {
                    ready.add(j);
                }
            }
        }
        if (out.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (pending[i] > 0) {
                    throw YardException.badInput(where + ": the graph has a cycle through node " + nodes.get(i).describe());
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
