package dev.yard.backend.ort;

import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.analysis.RelativeL2;
import dev.yard.passes.FidelityOracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fidelity by running models in ONNX Runtime on evaluation inputs: the original's outputs are
 * computed once, and a candidate's error is the worst relative L2 over its outputs and inputs.
 * Runs are unoptimized on a fixed number of threads, so that the same candidate gets the same
 * error, and the same choice, on every machine (see {@link OrtSession#unoptimized(byte[], int)}).
 */
public final class OrtFidelity implements FidelityOracle {
    private static final int THREADS = OrtCalibration.THREADS;

    private final List<Map<String, Tensor>> inputs;
    private final List<Map<String, Tensor>> expected = new ArrayList<>();
    private final String what;

    /** The original model and the evaluation inputs (each a map from input name to tensor); {@code what} names them. */
    public OrtFidelity(Model original, List<Map<String, Tensor>> inputs, String what) {
        this.inputs = List.copyOf(inputs);
        this.what = what;
        try (OrtSession s = OrtSession.unoptimized(OnnxWriter.toBytes(original), THREADS)) {
            for (Map<String, Tensor> in : this.inputs) expected.add(s.run(in));
        }
    }

    @Override
    public double error(Model candidate) {
        double worst = 0;
        try (OrtSession s = OrtSession.unoptimized(OnnxWriter.toBytes(candidate), THREADS)) {
            for (int i = 0; i < inputs.size(); i++) {
                Map<String, Tensor> got = s.run(inputs.get(i));
                for (Map.Entry<String, Tensor> e : expected.get(i).entrySet()) {
                    Tensor g = got.get(e.getKey());
                    double err = g == null ? Double.POSITIVE_INFINITY
                            : RelativeL2.of(e.getValue().toFloatArray(), g.toFloatArray());
                    worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
                }
            }
        }
        return worst;
    }

    @Override
    public String describe() {
        return "worst relative L2 of the outputs on " + what;
    }
}
