package dev.yard.ir.verify;

import dev.yard.ir.Attribute;
import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model-local functions that call themselves, directly or through others. ONNX forbids it, and
 * runtimes that inline functions recurse until they crash (ONNX Runtime: a segmentation fault),
 * so the verifier refuses such a model before anything runs it.
 */
final class FunctionCalls {
    private FunctionCalls() {}

    /** One problem per function on a call cycle, naming the cycle. */
    static void check(Model model, List<Problem> out) {
        Map<String, Function> byKey = new LinkedHashMap<>();
        for (Function f : model.functions()) {
            byKey.putIfAbsent(key(f.domain(), f.name()), f);
        }
        if (byKey.isEmpty()) {
            return;
        }
        Map<String, Set<String>> calls = new HashMap<>();
        for (Map.Entry<String, Function> e : byKey.entrySet()) {
            Set<String> callees = new LinkedHashSet<>();
            collect(e.getValue().body(), byKey, callees);
            calls.put(e.getKey(), callees);
        }
        Set<String> reported = new LinkedHashSet<>();
        for (String start : byKey.keySet()) {
            List<String> cycle = cycleFrom(start, calls);
            if (cycle != null && reported.add(start)) {
                out.add(new Problem(
                        "function " + start,
                        "calls itself (" + String.join(" -> ", cycle) + "): ONNX functions may not recurse"));
            }
        }
    }

    private static String key(String domain, String name) {
        return domain + "." + name;
    }

    /** Local functions called from {@code g}, its subgraphs included. */
    private static void collect(Graph g, Map<String, Function> byKey, Set<String> callees) {
        for (Node n : g.nodes()) {
            String k = key(n.domain(), n.opType());
            if (byKey.containsKey(k)) {
                callees.add(k);
            }
            for (Attribute a : n.attributes().values()) {
                if (a.isReference()) {
                    continue;
                }
                if (a.kind() == Attribute.Kind.GRAPH) {
                    collect(a.asGraph(), byKey, callees);
                } else if (a.kind() == Attribute.Kind.GRAPHS) {
                    for (Graph sub : a.asGraphs()) {
                        collect(sub, byKey, callees);
                    }
                }
            }
        }
    }

    /** A call path from {@code start} back to it, or null; iterative, so deep call chains cannot overflow. */
    private static List<String> cycleFrom(String start, Map<String, Set<String>> calls) {
        Map<String, String> parent = new HashMap<>();
        List<String> frontier = new ArrayList<>(List.of(start));
        Set<String> seen = new LinkedHashSet<>(frontier);
        while (!frontier.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String f : frontier) {
                for (String callee : calls.getOrDefault(f, Set.of())) {
                    if (callee.equals(start)) {
                        List<String> path = new ArrayList<>();
                        for (String p = f; p != null; p = parent.get(p)) {
                            path.add(0, p);
                        }
                        path.add(start);
                        return path;
                    }
                    if (seen.add(callee)) {
                        parent.put(callee, f);
                        next.add(callee);
                    }
                }
            }
            frontier = next;
        }
        return null;
    }
}
