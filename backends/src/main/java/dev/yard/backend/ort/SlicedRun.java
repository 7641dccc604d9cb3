package dev.yard.backend.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.ir.Dim;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A model run as consecutive slices of its nodes, each slice a session of its own, so that the
 * values asked for come back a slice at a time instead of all at the end of one run: what a
 * slice hands on to later slices stays in ONNX Runtime's memory (the values the whole model
 * would hold at that point anyway), what it was asked for is read and let go before the next
 * slice runs. Nodes after the last slice are not run.
 *
 * <p>Slices run ONNX Runtime's unoptimized graph, node by node as written, so cutting a model
 * changes no bit of any value. Sessions are created on the first run, when the types of the
 * values handed between slices are known.
 */
final class SlicedRun implements AutoCloseable {
    private final Model model;
    private final int[] ends;
    private final Set<String> wanted;
    private final int threads;
    private final ai.onnxruntime.OrtSession[] sessions;
    /** Per slice: the names it reads from the model's inputs or from earlier slices. */
    private final List<Set<String>> reads = new ArrayList<>();
    /** Per slice: the names it produces that later slices read or that were asked for. */
    private final List<Set<String>> outputs = new ArrayList<>();
    /** Per name handed on: the last slice that reads it. */
    private final Map<String, Integer> lastUse = new HashMap<>();

    /**
     * Slices of {@code model}'s nodes ending (exclusive) at {@code ends}, ascending; empty
     * slices are allowed and skipped. {@code wanted} values produced by the slices are returned
     * as each slice completes.
     */
    SlicedRun(Model model, int[] ends, Set<String> wanted, int threads) {
        this.model = model;
        this.ends = ends.clone();
        this.wanted = Set.copyOf(wanted);
        this.threads = threads;
        this.sessions = new ai.onnxruntime.OrtSession[ends.length];
        List<Node> nodes = model.graph().nodes();
        Set<String> initializers = new HashSet<>();
        model.graph().initializers().forEach(v -> initializers.add(v.name()));
        int start = 0;
        for (int k = 0; k < ends.length; k++) {
            if (ends[k] < start || ends[k] > nodes.size()) {
                throw new IllegalArgumentException("slice ends must ascend within the graph: " + ends[k]);
            }
            Set<String> produced = new HashSet<>();
            Set<String> in = new java.util.LinkedHashSet<>();
            for (Node n : nodes.subList(start, ends[k])) {
                for (String name : readNames(n)) {
                    if (!produced.contains(name) && !initializers.contains(name)) {
                        in.add(name);
                    }
                }
                for (Value v : n.outputs()) {
                    if (v != null) {
                        produced.add(v.name());
                    }
                }
            }
            for (String name : in) {
                lastUse.put(name, k);
            }
            reads.add(in);
            start = ends[k];
        }
        start = 0;
        for (int k = 0; k < ends.length; k++) {
            Set<String> out = new java.util.LinkedHashSet<>();
            for (Node n : nodes.subList(start, ends[k])) {
                for (Value v : n.outputs()) {
                    if (v != null && (this.wanted.contains(v.name()) || lastUse.getOrDefault(v.name(), -1) > k)) {
                        out.add(v.name());
                    }
                }
            }
            outputs.add(out);
            start = ends[k];
        }
    }

    /** The names a node reads, those of the graphs it holds included (outer-scope reads). */
    private static Set<String> readNames(Node n) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (Value v : n.inputs()) {
            if (v != null && !v.name().isEmpty()) {
                out.add(v.name());
            }
        }
        for (Graph g : n.subgraphs()) {
            for (Node inner : g.nodes()) {
                out.addAll(readNames(inner));
            }
        }
        return out;
    }

    /** How many slices (some may be empty). */
    int slices() {
        return ends.length;
    }

    /** A run on {@code inputs} (by name), one slice at a time, in order; closing it frees what it holds. */
    Pass begin(Map<String, Tensor> inputs) {
        return new Pass(inputs);
    }

    /** One run of the slices on one input. */
    final class Pass implements AutoCloseable {
        private final Map<String, OnnxTensor> live = new HashMap<>();
        // Each slice's result stays open while a value of it is still to be read by a later slice.
        private final Map<Result, Integer> holding = new IdentityHashMap<>();
        private final Map<String, Result> holder = new HashMap<>();
        private final List<OnnxTensor> fed = new ArrayList<>();
        private int next;

        private Pass(Map<String, Tensor> inputs) {
            try {
                for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                    OnnxTensor t = OrtSession.toOrt(e.getValue());
                    fed.add(t);
                    live.put(e.getKey(), t);
                }
            } catch (OrtException e) {
                close();
                throw new YardException("ONNX Runtime cannot take an input: " + e.getMessage(), false, e);
            }
        }

        /**
         * Runs slice {@code k} (the next one), then hands every wanted value it produced to
         * {@code sink}, one at a time.
         */
        void slice(int k, BiConsumer<String, Tensor> sink) {
            if (k != next) {
                throw new IllegalStateException("slice " + k + " run out of order, " + next + " next");
            }
            next++;
            if (k > 0 ? ends[k] == ends[k - 1] : ends[k] == 0) {
                return;
            }
            try {
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                for (String name : reads.get(k)) {
                    OnnxTensor t = live.get(name);
                    if (t == null) {
                        throw new IllegalStateException("no value " + name + " for slice " + k);
                    }
                    feeds.put(name, t);
                }
                Result r = session(k, feeds).run(feeds);
                int kept = 0;
                for (Map.Entry<String, OnnxValue> e : r) {
                    if (e.getValue() instanceof OnnxTensor t && lastUse.getOrDefault(e.getKey(), -1) > k) {
                        live.put(e.getKey(), t);
                        holder.put(e.getKey(), r);
                        kept++;
                    }
                }
                if (kept > 0) {
                    holding.put(r, kept);
                }
                try {
                    for (Map.Entry<String, OnnxValue> e : r) {
                        if (wanted.contains(e.getKey()) && e.getValue() instanceof OnnxTensor t) {
                            sink.accept(e.getKey(), OrtSession.fromOrt(t));
                        }
                    }
                } finally {
                    if (kept == 0) {
                        r.close();
                    }
                }
            } catch (OrtException e) {
                throw new YardException("ONNX Runtime failed to run a slice of the model: " + e.getMessage(), false, e);
            }
            // What no later slice reads is let go.
            for (String name : reads.get(k)) {
                if (lastUse.get(name) == k) {
                    live.remove(name);
                    Result h = holder.remove(name);
                    if (h != null && holding.merge(h, -1, Integer::sum) == 0) {
                        holding.remove(h);
                        h.close();
                    }
                }
            }
        }

        @Override
        public void close() {
            holding.keySet().forEach(Result::close);
            holding.clear();
            fed.forEach(OnnxTensor::close);
            fed.clear();
        }
    }

    private ai.onnxruntime.OrtSession session(int k, Map<String, OnnxTensor> feeds) throws OrtException {
        if (sessions[k] == null) {
            sessions[k] = OrtSession.unoptimizedSession(OnnxWriter.toBytes(slice(k, feeds)), threads);
        }
        return sessions[k];
    }

    /** Slice {@code k} as a model of its own: its reads are its inputs, typed as {@code feeds} are. */
    private Model slice(int k, Map<String, OnnxTensor> feeds) {
        Model c = model.copy();
        Graph g = c.graph();
        int start = k == 0 ? 0 : ends[k - 1];
        List<Node> keep = new ArrayList<>(g.nodes().subList(start, ends[k]));
        Map<String, Value> byName = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (Node n : keep) {
            for (Value v : n.inputs()) {
                if (v != null) {
                    byName.put(v.name(), v);
                }
            }
            for (Value v : n.outputs()) {
                if (v != null) {
                    byName.put(v.name(), v);
                }
            }
            used.addAll(readNames(n));
        }
        g.nodes().clear();
        g.nodes().addAll(keep);
        g.initializers().removeIf(v -> !used.contains(v.name()));
        g.inputs().clear();
        for (Map.Entry<String, OnnxTensor> e : feeds.entrySet()) {
            Value v = byName.computeIfAbsent(e.getKey(), name -> new Value(name, null));
            ai.onnxruntime.TensorInfo info = e.getValue().getInfo();
            v.setType(new ValueType.TensorType(
                    OrtSession.elementType(info.type),
                    new Shape(Collections.nCopies(info.getShape().length, Dim.UNKNOWN))));
            g.inputs().add(v);
        }
        g.outputs().clear();
        for (String name : outputs.get(k)) {
            g.outputs().add(byName.get(name));
        }
        return c;
    }

    @Override
    public void close() {
        for (ai.onnxruntime.OrtSession s : sessions) {
            if (s != null) {
                try {
                    s.close();
                } catch (OrtException e) {
                    // Closing frees native memory only; nothing to report.
                }
            }
        }
    }
}
