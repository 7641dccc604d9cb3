package dev.yard.backend.ort;

import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.passes.Calibration;
import dev.yard.passes.linalg.InputCovariance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Calibration by running the model in ONNX Runtime on given inputs: the values the layers
 * read are returned, and their covariances (im2col patches for convs) are computed from a
 * seeded sample of positions, at most {@code maxSamples} per layer, spread over the inputs.
 * Streaming, so that a large model at a large size calibrates in a bounded heap: the inputs
 * are run one at a time, each through the model cut into slices ({@link SlicedRun}) whose
 * returned activations fit the budget, and each activation is sampled and let go as soon as
 * it is there: one run of the model per input. The samples are kept as floats, in memory up to
 * the budget and on disk past it ({@link SampleStore}); once every input has run, the layers'
 * covariances are formed and handed over in groups that fit the budget. The runs are ONNX
 * Runtime's unoptimized graph on a fixed number of threads, which computes the same bits on
 * AVX2 and AVX-512 CPUs; how the model is sliced and the layers grouped changes no bit.
 */
public final class OrtCalibration implements Calibration {
    /**
     * ONNX Runtime's threads for calibration runs, fixed: its kernels split some work by the
     * thread count, and the bits of the activations (so of the output file) would follow it.
     */
    static final int THREADS = 2;

    /** The default budget's ceiling (bytes). */
    static final long ACTIVATION_BYTES = 1L << 30;

    /**
     * The bytes of activations one slice may return, of samples held in memory, and of the
     * statistics handed over at once. By default an eighth of the heap (at most
     * {@link #ACTIVATION_BYTES}): the caller fits a group's layers beside the evaluation
     * inputs and outputs and the fits it keeps.
     */
    private long activationBytes =
            Math.min(ACTIVATION_BYTES, Runtime.getRuntime().maxMemory() / 8);

    /** Sets the budget: the bytes of activations one slice returns, of samples in memory, of statistics handed over at once. */
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

    private String identity;

    /**
     * A digest of the inputs (names, types, shapes, bytes), the sample count and seed, the
     * thread count and the code that measures (its jar): the same identity gives the same
     * statistics.
     */
    @Override
    public String identity() {
        String code = dev.yard.ir.CodeIdentity.of(OrtCalibration.class);
        if (code.equals("unknown")) {
            return null;
        }
        if (identity == null) {
            StringBuilder key = new StringBuilder("yard-ort-calibration 1 ")
                    .append(maxSamples)
                    .append(' ')
                    .append(seed)
                    .append(' ')
                    .append(THREADS)
                    .append(' ')
                    .append(code);
            for (Map<String, Tensor> in : inputs) {
                key.append('\n');
                new java.util.TreeMap<>(in)
                        .forEach((name, t) -> key.append(name.length())
                                .append(':')
                                .append(name)
                                .append(' ')
                                .append(t.digest())
                                .append(' '));
            }
            identity = com.google.common.hash.Hashing.sha256()
                    .hashString(key, java.nio.charset.StandardCharsets.UTF_8)
                    .toString();
        }
        return identity;
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
        boolean paired = approximate != null;
        // The values the layers read, each with its readers, and what a layer's statistics
        // take: its samples (of both models when paired), then the covariance made of them
        // (paired: the cross and the original's covariance too).
        Map<String, List<Node>> readers = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (Node n : layers) {
            Value x = n.input(0);
            if (x != null && !x.isInitializer() && (there == null || there.containsKey(x.name()))) {
                readers.computeIfAbsent(x.name(), k -> new ArrayList<>()).add(n);
                long dim = inputLength(n);
                long rows = Math.min(maxSamples, rowsPerInput(n) * inputs.size());
                long b = dim < 0
                        ? ACTIVATION_BYTES
                        : (paired ? 2 : 1) * rows * dim * 8 + (paired ? 3 : 1) * dim * dim * 8;
                bytes.merge(x.name(), b, Long::sum);
            }
        }
        // Each layer's sampling stream, split in layer order: the same samples however the
        // model is sliced and the layers grouped.
        SplittableRandom random = new SplittableRandom(seed);
        Map<Node, SplittableRandom> streams = new IdentityHashMap<>();
        for (Node n : layers) {
            streams.put(n, random.split());
        }
        int perInput = Math.max(1, maxSamples / inputs.size());
        Map<Node, Integer> dims = new IdentityHashMap<>();
        int[] ends = sliceEnds(model, readers.keySet(), activationBytes / (paired ? 2 : 1));
        // A quarter of the budget for samples in memory: the rest goes to disk, so that what
        // stays in the heap while the layers are fitted is the small layers' samples.
        try (SampleStore store = new SampleStore(activationBytes / 4);
                SlicedRun run = new SlicedRun(model, ends, readers.keySet(), THREADS);
                SlicedRun alongside = paired
                        ? new SlicedRun(
                                approximate,
                                alignedEnds(model, approximate, ends, readers.keySet()),
                                readers.keySet(),
                                THREADS)
                        : null) {
            // Sampled as soon as a value (of both models, when paired) is there; the samples are
            // kept, the activations let go.
            for (int i = 0; i < inputs.size(); i++) {
                Map<String, Tensor> in = inputs.get(i);
                Map<String, Tensor> mine = new HashMap<>();
                Map<String, Tensor> theirs = new HashMap<>();
                Runnable drain = () -> {
                    for (String name : List.copyOf(mine.keySet())) {
                        if (paired && !theirs.containsKey(name)) {
                            continue;
                        }
                        Tensor a = mine.remove(name);
                        Tensor b = paired ? theirs.remove(name) : null;
                        for (Node n : readers.get(name)) {
                            Picked rows = n.is("Conv")
                                    ? PatchCovariance.rows(n, a, b, perInput, streams.get(n))
                                    : rows(n, a, b, perInput, streams.get(n));
                            if (rows != null) {
                                dims.put(n, rows.dim());
                                for (int k = 0; k < rows.rows().length; k++) {
                                    store.append(List.of(n, k), rows.rows()[k]);
                                }
                            }
                        }
                    }
                };
                for (String name : readers.keySet()) {
                    if (in.containsKey(name)) {
                        mine.put(name, in.get(name));
                        theirs.put(name, in.get(name));
                    }
                }
                drain.run();
                try (SlicedRun.Pass p = run.begin(in);
                        SlicedRun.Pass q = alongside == null ? null : alongside.begin(in)) {
                    for (int k = 0; k < run.slices(); k++) {
                        progress.accept("calibration: input " + (i + 1) + " of " + inputs.size() + ", part " + (k + 1)
                                + " of " + run.slices());
                        p.slice(k, (name, t) -> {
                            mine.put(name, t);
                            drain.run();
                        });
                        if (q != null) {
                            q.slice(k, (name, t) -> {
                                theirs.put(name, t);
                                drain.run();
                            });
                        }
                    }
                }
            }
            // Handed over in groups whose statistics fit the budget, each layer's covariance
            // from all its samples at once: one large product, not one an input.
            List<List<String>> groups = groups(readers.keySet(), bytes, activationBytes);
            for (int g = 0; g < groups.size(); g++) {
                progress.accept("calibration: covariances, group " + (g + 1) + " of " + groups.size());
                Map<Node, InputCovariance> out = new IdentityHashMap<>();
                for (String name : groups.get(g)) {
                    for (Node n : readers.get(name)) {
                        double[] x = store.take(List.of(n, 0));
                        double[] y = paired ? store.take(List.of(n, 1)) : null;
                        if (x == null || paired && y == null) {
                            continue;
                        }
                        out.put(
                                n,
                                paired
                                        ? InputCovariance.paired(x, y, dims.get(n))
                                        : InputCovariance.fromSamples(x, dims.get(n)));
                    }
                }
                sink.accept(out);
            }
        }
    }

    /**
     * Where to cut {@code model}'s nodes so that the wanted values one slice returns take at
     * most {@code budget} bytes (at their static sizes; at least one value a slice), the last
     * slice ending at the last wanted value.
     */
    private static int[] sliceEnds(Model model, java.util.Set<String> wanted, long budget) {
        List<Node> nodes = model.graph().nodes();
        List<Integer> ends = new ArrayList<>();
        long held = 0;
        int last = 0;
        for (int i = 0; i < nodes.size(); i++) {
            long b = 0;
            for (Value v : nodes.get(i).outputs()) {
                if (v != null && wanted.contains(v.name())) {
                    b += activationBytes(v);
                }
            }
            if (b == 0) {
                continue;
            }
            if (held > 0 && held + b > budget) {
                ends.add(i);
                held = 0;
            }
            held += b;
            last = i + 1;
        }
        if (held > 0) {
            ends.add(last);
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Slices of {@code approximate} in step with {@code original}'s: each ends once every wanted
     * value the original's slice of that index returns has been produced in it too.
     */
    private static int[] alignedEnds(Model original, Model approximate, int[] ends, java.util.Set<String> wanted) {
        Map<String, Integer> at = new HashMap<>();
        List<Node> theirs = approximate.graph().nodes();
        for (int i = 0; i < theirs.size(); i++) {
            for (Value v : theirs.get(i).outputs()) {
                if (v != null) {
                    at.put(v.name(), i + 1);
                }
            }
        }
        List<Node> nodes = original.graph().nodes();
        int[] out = new int[ends.length];
        int start = 0;
        int end = 0;
        for (int k = 0; k < ends.length; k++) {
            for (Node n : nodes.subList(start, ends[k])) {
                for (Value v : n.outputs()) {
                    if (v != null && wanted.contains(v.name())) {
                        end = Math.max(end, at.getOrDefault(v.name(), 0));
                    }
                }
            }
            out[k] = end;
            start = ends[k];
        }
        return out;
    }

    /** Sampled rows of length {@code dim}, row-major: of one model, or of two at the same positions. */
    record Picked(double[][] rows, int dim) {}

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

    /** The names in groups whose bytes fit in {@code budget} (at least one name a group), in order. */
    private static List<List<String>> groups(java.util.Collection<String> names, Map<String, Long> sizes, long budget) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long bytes = 0;
        for (String name : names) {
            long b = sizes.get(name);
            if (!current.isEmpty() && bytes + b > budget) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(name);
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
