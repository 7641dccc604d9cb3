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
import java.util.function.Consumer;

/**
 * Calibration by running the model in ONNX Runtime on given inputs: the values the layers
 * read become extra outputs, and their covariances (im2col patches for convs) are computed
 * from a seeded sample of positions, at most {@code maxSamples} per layer, spread over the
 * inputs. Streaming: the inputs are run one at a time, and the layers in groups whose
 * activations, samples and covariances together fit in {@link #ACTIVATION_BYTES}, each group
 * handed over when complete, so that a large model at a large size calibrates in a bounded heap
 * (one run of the model per group and input). The runs are ONNX Runtime's
 * unoptimized graph on a fixed number of threads, which computes the same bits on AVX2 and
 * AVX-512 CPUs.
 */
public final class OrtCalibration implements Calibration {
    /**
     * ONNX Runtime's threads for calibration runs, fixed: its kernels split some work by the
     * thread count, and the bits of the activations (so of the output file) would follow it.
     */
    static final int THREADS = 2;

    /** Activation bytes one run may return by default: layers are measured in groups that fit. */
    static final long ACTIVATION_BYTES = 1L << 30;

    /**
     * By default a group's activations, samples and covariances take at most an eighth of the
     * heap (and at most {@link #ACTIVATION_BYTES}): while a group is measured its activations are
     * held twice (as returned and as floats), beside the evaluation inputs and outputs and the
     * fits kept. How layers are grouped changes no bit
     * of the result, only how many runs calibration takes.
     */
    private long activationBytes =
            Math.min(ACTIVATION_BYTES, Runtime.getRuntime().maxMemory() / 8);

    /** Sets the activation bytes one run may return (groups of layers are formed to fit). */
    public OrtCalibration activationBudget(long bytes) {
        this.activationBytes = Math.max(1, bytes);
        return this;
    }

    private final List<Map<String, Tensor>> inputs;
    private final int maxSamples;
    private final long seed;
    private java.util.function.Consumer<String> progress = s -> {};

    /** One batch of inputs, by name. */
    public OrtCalibration(Map<String, Tensor> inputs, int maxSamples, long seed) {
        this(List.of(inputs), maxSamples, seed);
    }

    /** Several inputs (each a map from input name to tensor), run one at a time. */
    public OrtCalibration(List<Map<String, Tensor>> inputs, int maxSamples, long seed) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no calibration inputs");
        }
        this.inputs = inputs.stream().map(Map::copyOf).toList();
        this.maxSamples = maxSamples;
        this.seed = seed;
    }

    /** Where to report which group of layers is being measured (a terminal's status line). */
    public OrtCalibration progressTo(java.util.function.Consumer<String> sink) {
        this.progress = sink;
        return this;
    }

    @Override
    public Map<Node, InputCovariance> inputCovariances(Model model, List<Node> layers) {
        Map<Node, InputCovariance> out = new IdentityHashMap<>();
        inputCovariances(model, layers, out::putAll);
        return out;
    }

    /**
     * Groups are formed so that one run's activations and the group's covariances together fit
     * in the activation budget (at least one value a group), and handed over as each completes.
     */
    @Override
    public void inputCovariances(Model model, List<Node> layers, Consumer<Map<Node, InputCovariance>> sink) {
        measure(model, null, layers, sink);
    }

    /**
     * Runs {@code original} and {@code approximate} side by side on each input: the same
     * sampled positions of what each feeds a layer (by the name of the value it reads) give the
     * paired statistics of {@link InputCovariance#paired}. Grouped and handed over as above.
     */
    @Override
    public void pairedCovariances(
            Model original, Model approximate, List<Node> layers, Consumer<Map<Node, InputCovariance>> sink) {
        measure(original, approximate, layers, sink);
    }

    private void measure(Model model, Model approximate, List<Node> layers, Consumer<Map<Node, InputCovariance>> sink) {
        Map<String, Value> there = approximate == null ? null : values(approximate);
        Map<String, Value> wanted = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        boolean paired = approximate != null;
        for (Node n : layers) {
            Value x = n.input(0);
            if (x != null && !x.isInitializer() && (there == null || there.containsKey(x.name()))) {
                wanted.put(x.name(), x);
                // The samples (of both models when paired), then the covariance made of them
                // (paired: the cross and the original's covariance too).
                long dim = inputLength(n);
                long rows = Math.min(maxSamples, rowsPerInput(n) * inputs.size());
                long b = dim < 0
                        ? ACTIVATION_BYTES
                        : (paired ? 2 : 1) * rows * dim * 8 + (paired ? 3 : 1) * dim * dim * 8;
                bytes.merge(x.name(), b, Long::sum);
            }
        }
        wanted.forEach((name, x) -> bytes.merge(name, (approximate == null ? 1 : 2) * activationBytes(x), Long::sum));
        // Each layer's sampling stream, split in layer order: the same samples however the
        // layers are grouped.
        SplittableRandom random = new SplittableRandom(seed);
        Map<Node, SplittableRandom> streams = new IdentityHashMap<>();
        for (Node n : layers) {
            streams.put(n, random.split());
        }
        int perInput = Math.max(1, maxSamples / inputs.size());
        List<List<Value>> groups = groups(wanted.values(), bytes, activationBytes);
        for (int g = 0; g < groups.size(); g++) {
            Map<String, Value> group = new LinkedHashMap<>();
            for (Value v : groups.get(g)) {
                group.put(v.name(), v);
            }
            byte[] extended = withOutputs(model, group);
            byte[] extendedApproximate = null;
            if (approximate != null) {
                Map<String, Value> same = new LinkedHashMap<>();
                group.keySet().forEach(name -> same.put(name, there.get(name)));
                extendedApproximate = withOutputs(approximate, same);
            }
            Map<Node, Samples> samples = new IdentityHashMap<>();
            try (OrtSession s = OrtSession.unoptimized(extended, THREADS);
                    OrtSession sa =
                            extendedApproximate == null ? null : OrtSession.unoptimized(extendedApproximate, THREADS)) {
                for (int i = 0; i < inputs.size(); i++) {
                    progress.accept("calibration: layer group " + (g + 1) + " of " + groups.size() + ", input "
                            + (i + 1) + " of " + inputs.size());
                    Map<String, Tensor> activations = s.run(inputs.get(i));
                    Map<String, Tensor> approximated = sa == null ? null : sa.run(inputs.get(i));
                    for (Node n : layers) {
                        Value x = n.input(0);
                        Tensor a = x == null || !group.containsKey(x.name()) ? null : activations.get(x.name());
                        Tensor b = a == null || approximated == null ? null : approximated.get(x.name());
                        if (a == null || paired && b == null) {
                            continue;
                        }
                        Picked rows = n.is("Conv")
                                ? PatchCovariance.rows(n, a, b, perInput, streams.get(n))
                                : rows(n, a, b, perInput, streams.get(n));
                        if (rows != null) {
                            samples.computeIfAbsent(n, k -> new Samples(inputs.size()))
                                    .add(rows);
                        }
                    }
                }
            }
            // Each layer's covariance from all its samples at once: one large product, not one
            // a input (and the samples, not the products, held meanwhile).
            Map<Node, InputCovariance> out = new IdentityHashMap<>();
            for (Node n : layers) {
                Samples x = samples.remove(n);
                if (x == null) {
                    continue;
                }
                out.put(
                        n,
                        paired
                                ? InputCovariance.paired(x.rows(0), x.rows(1), x.dim)
                                : InputCovariance.fromSamples(x.rows(0), x.dim));
            }
            sink.accept(out);
        }
    }

    /** Sampled rows of length {@code dim}, row-major: of one model, or of two at the same positions. */
    record Picked(double[][] rows, int dim) {}

    /** A layer's sampled rows (of one model, or two paired), gathered over the inputs. */
    private static final class Samples {
        private final int inputs;
        private double[][] rows;
        private int filled;
        private int dim;

        /** For {@code inputs} inputs, each giving about as many rows as the first. */
        Samples(int inputs) {
            this.inputs = inputs;
        }

        void add(Picked more) {
            int n = more.rows()[0].length;
            if (rows == null) {
                dim = more.dim();
                rows = new double[more.rows().length][(int) Math.min(Integer.MAX_VALUE - 8, (long) n * inputs)];
            }
            for (int k = 0; k < rows.length; k++) {
                if (rows[k].length < filled + n) {
                    rows[k] = java.util.Arrays.copyOf(rows[k], Math.max(filled + n, 2 * rows[k].length));
                }
                System.arraycopy(more.rows()[k], 0, rows[k], filled, n);
            }
            filled += n;
        }

        double[] rows(int k) {
            return rows[k].length == filled ? rows[k] : java.util.Arrays.copyOf(rows[k], filled);
        }
    }

    /** Every value of {@code model}'s main graph by name. */
    private static Map<String, Value> values(Model model) {
        Map<String, Value> out = new java.util.HashMap<>();
        model.graph().inputs().forEach(v -> out.put(v.name(), v));
        for (Node n : model.graph().nodes()) {
            for (Value v : n.outputs()) {
                if (v != null) {
                    out.put(v.name(), v);
                }
            }
        }
        return out;
    }

    /**
     * The wanted values in groups whose bytes (at their static sizes; unknown sizes count as a
     * whole default budget) fit in {@code budget} per run; at least one value a group.
     */
    private static List<List<Value>> groups(java.util.Collection<Value> values, Map<String, Long> sizes, long budget) {
        List<List<Value>> out = new ArrayList<>();
        List<Value> current = new ArrayList<>();
        long bytes = 0;
        for (Value v : values) {
            long b = sizes.get(v.name());
            if (!current.isEmpty() && bytes + b > budget) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(v);
            bytes += b;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /**
     * How many rows (patches, for a conv: its output positions) layer {@code n} reads from one
     * input, at its static sizes; when unknown, as many as may be sampled.
     */
    private long rowsPerInput(Node n) {
        long[] d = dev.yard.passes.cost.ModelPricing.staticDims(n.is("Conv") ? n.output(0) : n.input(0));
        if (d == null || d.length < 2) {
            return maxSamples;
        }
        long rows = 1;
        for (int i = 0; i < d.length; i++) {
            if (n.is("Conv") ? i != 1 : i != d.length - 1) {
                rows *= Math.max(1, d[i]);
            }
        }
        return Math.min(rows, maxSamples);
    }

    /** The length of the rows layer {@code n} reads (its patch or row length), or -1 when unknown. */
    private static long inputLength(Node n) {
        long dim;
        Value w = n.input(1);
        long[] wd = w != null && w.isInitializer() ? w.initializer().dims() : null;
        if (n.is("Conv")) {
            if (wd == null || wd.length != 4) {
                return 0;
            }
            dim = wd[1] * wd[2] * wd[3];
        } else {
            long[] x = dev.yard.passes.cost.ModelPricing.staticDims(n.input(0));
            if (x == null || x.length == 0) {
                return 0;
            }
            dim = x[x.length - 1];
        }
        return dim > 0 && dim < 1 << 20 ? dim : -1;
    }

    private static long activationBytes(Value v) {
        long[] d = dev.yard.passes.cost.ModelPricing.staticDims(v);
        if (d == null) {
            return ACTIVATION_BYTES;
        }
        long n = 4;
        try {
            for (long x : d) {
                n = Math.multiplyExact(n, Math.max(1, x));
            }
        } catch (ArithmeticException e) {
            return ACTIVATION_BYTES;
        }
        return Math.min(n, ACTIVATION_BYTES);
    }

    /** The model's bytes with the wanted values added as outputs; the model is left as it was. */
    private static byte[] withOutputs(Model model, Map<String, Value> wanted) {
        List<Value> outputs = model.graph().outputs();
        List<Value> added = new ArrayList<>();
        for (Value v : wanted.values()) {
            if (!outputs.contains(v)) {
                added.add(v);
            }
        }
        outputs.addAll(added);
        try {
            return dev.yard.backend.onnx.OnnxWriter.toBytes(model);
        } finally {
            outputs.removeAll(added);
        }
    }

    /**
     * Sampled input rows of a Gemm (transA=0) or MatMul: the last axis is the reduced one. With
     * {@code approximate}, the same rows of it too.
     */
    private static Picked rows(Node n, Tensor a, Tensor approximate, int maxSamples, SplittableRandom random) {
        if (n.is("Gemm") && n.intAttr("transA", 0) != 0) {
            return null;
        }
        long[] d = a.dims();
        if (d.length == 0 || approximate != null && !java.util.Arrays.equals(d, approximate.dims())) {
            return null;
        }
        int k = (int) d[d.length - 1];
        int count = (int) (a.elementCount() / k);
        int[] pick = PatchCovariance.sample(count, maxSamples, random);
        double[] rows = pick(a.toFloatArray(), pick, k);
        return new Picked(
                approximate == null
                        ? new double[][] {rows}
                        : new double[][] {rows, pick(approximate.toFloatArray(), pick, k)},
                k);
    }

    private static double[] pick(float[] v, int[] pick, int k) {
        double[] rows = new double[pick.length * k];
        for (int i = 0; i < pick.length; i++) {
            for (int j = 0; j < k; j++) {
                rows[i * k + j] = v[pick[i] * k + j];
            }
        }
        return rows;
    }
}
