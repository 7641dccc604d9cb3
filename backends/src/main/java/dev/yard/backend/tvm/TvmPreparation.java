package dev.yard.backend.tvm;

import dev.yard.ir.Model;
import dev.yard.ir.Shape;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.passes.PassManager;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import java.util.Arrays;
import java.util.Map;

/**
 * Gets a model ready for the TVM emitter: inputs given static shapes (from
 * {@code --input-shape}, or a dynamic batch taken as 1), shapes inferred, and the shape
 * computations exporters leave behind folded away ({@code fold-constants,dce}).
 */
public final class TvmPreparation {
    private TvmPreparation() {}

    public static void prepare(Model m, Map<String, String> inputShapes) {
        for (String name : inputShapes.keySet()) {
            if (m.graph().inputs().stream().noneMatch(v -> v.name().equals(name))) {
                throw YardException.badInput("--input-shape: the model has no input named '" + name + "'");
            }
        }
        for (Value v : m.graph().inputs()) {
            if (v.isInitializer() || !(v.type() instanceof ValueType.TensorType tt) || tt.shape() == null) {
                continue;
            }
            long[] dims;
            if (inputShapes.containsKey(v.name())) {
                dims = inputShape(v.name(), inputShapes.get(v.name()));
            } else if (tt.shape().isStatic()) {
                continue;
            } else {
                dims = new long[tt.shape().rank()];
                for (int i = 0; i < dims.length; i++) {
                    if (tt.shape().dim(i) instanceof dev.yard.ir.Dim.Known k) {
                        dims[i] = k.size();
                    } else if (i == 0) {
                        dims[i] = 1;
                    } else {
                        throw YardException.badInput("input '" + v.name() + "' has the dynamic shape " + tt.shape()
                                + ": the TVM backend needs static shapes, give --input-shape " + v.name() + "=D,D,...");
                    }
                }
            }
            v.setType(new ValueType.TensorType(tt.elementType(), Shape.of(dims)));
        }
        // Exporters write -1 for unknown dims of outputs and value_info; forget such shapes so
        // that inference states them afresh.
        for (dev.yard.ir.Node n : m.graph().nodes()) {
            n.outputs().forEach(TvmPreparation::forgetNegativeDims);
        }
        m.graph().outputs().forEach(TvmPreparation::forgetNegativeDims);
        // Shapes and constants feed each other (PP-OCR's weights are Constant nodes, so Conv
        // output shapes appear only after folding; then Shape nodes fold): alternate until
        // folding changes nothing. Each round folds at least one node, so this ends.
        PassManager fold = new PassManager(Pipeline.parse("fold-constants,dce", PassRegistry.load()));
        boolean changed = true;
        while (changed) {
            ShapeInference.infer(m);
            changed = fold.run(m).runs().stream().anyMatch(r -> r.changed());
        }
    }

    private static void forgetNegativeDims(Value v) {
        if (v != null
                && v.type() instanceof ValueType.TensorType tt
                && tt.shape() != null
                && tt.shape().dims().stream().anyMatch(d -> d instanceof dev.yard.ir.Dim.Known k && k.size() < 0)) {
            v.setType(new ValueType.TensorType(tt.elementType(), null));
        }
    }

    /** Elements one input may have (1 GiB of float32): beyond it runs exhaust memory instead of failing. */
    public static final long MAX_INPUT_ELEMENTS = 1L << 28;

    /** The dims of {@code --input-shape NAME=D,D,...}: positive integers, at most {@link #MAX_INPUT_ELEMENTS} in all. */
    public static long[] inputShape(String name, String dims) {
        long[] d;
        try {
            d = Arrays.stream(dims.split(","))
                    .mapToLong(s -> Long.parseLong(s.strip()))
                    .toArray();
        } catch (NumberFormatException e) {
            throw YardException.badInput("--input-shape " + name + "=" + dims + ": expected comma-separated integers");
        }
        long elements = 1;
        for (long x : d) {
            if (x < 1) {
                throw YardException.badInput(
                        "--input-shape " + name + "=" + dims + ": every dimension must be at least 1");
            }
            elements = elements > MAX_INPUT_ELEMENTS ? elements : elements * Math.min(x, MAX_INPUT_ELEMENTS + 1);
        }
        if (elements > MAX_INPUT_ELEMENTS) {
            throw YardException.badInput("--input-shape " + name + "=" + dims + ": more than " + MAX_INPUT_ELEMENTS
                    + " elements in one input");
        }
        return d;
    }
}
