package dev.yard.backend.ort;

import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.Calibration;
import dev.yard.passes.linalg.InputCovariance;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Calibration by running the model in ONNX Runtime on given inputs: the values the layers
 * read become extra outputs, and their covariances (im2col patches for convs) are
 * accumulated from a seeded sample of positions, at most {@code maxSamples} per layer. The run
 * is ONNX Runtime's unoptimized graph on a fixed number of threads, which computes the same bits
 * on AVX2 and AVX-512 CPUs.
 */
public final class OrtCalibration implements Calibration {
    /**
     * ONNX Runtime's threads for calibration runs, fixed: its kernels split some work by the
     * thread count, and the bits of the activations (so of the output file) would follow it.
     */
    static final int THREADS = 2;

    private final Map<String, Tensor> inputs;
    private final int maxSamples;
    private final long seed;

    public OrtCalibration(Map<String, Tensor> inputs, int maxSamples, long seed) {
        this.inputs = Map.copyOf(inputs);
        this.maxSamples = maxSamples;
        this.seed = seed;
    }

    @Override
    public Map<Node, InputCovariance> inputCovariances(Model model, List<Node> layers) {
        Map<String, Value> wanted = new LinkedHashMap<>();
        for (Node n : layers) {
            Value x = n.input(0);
            if (x != null && !x.isInitializer()) {
                wanted.put(x.name(), x);
            }
        }
        Map<String, Tensor> activations = run(model, wanted);
        Map<Node, InputCovariance> out = new IdentityHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (Node n : layers) {
            Value x = n.input(0);
            Tensor a = x == null ? null : activations.get(x.name());
            if (a == null) {
                continue;
            }
            InputCovariance c = n.is("Conv") ? PatchCovariance.of(n, a, maxSamples, random.split())
                    : rows(n, a, random.split());
            if (c != null) {
                out.put(n, c);
            }
        }
        return out;
    }

    /** Runs the model with the wanted values added as outputs; the model is left as it was. */
    private Map<String, Tensor> run(Model model, Map<String, Value> wanted) {
        List<Value> outputs = model.graph().outputs();
        List<Value> added = new ArrayList<>();
        for (Value v : wanted.values()) {
            if (!outputs.contains(v)) {
                added.add(v);
            }
        }
        outputs.addAll(added);
        byte[] bytes;
        try {
            bytes = dev.yard.backend.onnx.OnnxWriter.toBytes(model);
        } finally {
            outputs.removeAll(added);
        }
        // Unoptimized: what the fits see, and so the output file, must not depend on the CPU.
        try (OrtSession s = OrtSession.unoptimized(bytes, THREADS)) {
            Map<String, Tensor> all = s.run(inputs);
            all.keySet().retainAll(wanted.keySet());
            return all;
        }
    }

    /** Input rows of a Gemm (transA=0) or MatMul: the last axis is the reduced one. */
    private InputCovariance rows(Node n, Tensor a, SplittableRandom random) {
        if (n.is("Gemm") && n.intAttr("transA", 0) != 0) {
            return null;
        }
        long[] d = a.dims();
        if (d.length == 0) {
            return null;
        }
        int k = (int) d[d.length - 1];
        int count = (int) (a.elementCount() / k);
        float[] v = a.toFloatArray();
        int[] pick = PatchCovariance.sample(count, maxSamples, random);
        double[] rows = new double[pick.length * k];
        for (int i = 0; i < pick.length; i++) {
            for (int j = 0; j < k; j++) {
                rows[i * k + j] = v[pick[i] * k + j];
            }
        }
        return InputCovariance.fromSamples(rows, k);
    }
}
