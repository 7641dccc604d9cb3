package dev.yard.backend.tvm;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.TvmModel;
import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The measured cost of one layer configuration on a TVM target: a conv, or a chain of convs
 * (a decomposed layer), on an input of given shape, built with TVM and timed through the
 * Java bindings. Results are kept in {@code <cache>/tvm/layer-times.json} by configuration
 * and target, so rank selection pays for each configuration once.
 */
public final class TvmLayerTimer {
    /** One conv of a chain: Cin is the previous layer's Cout (or the input's channels). */
    public record Conv(long outChannels, long kh, long kw, long strideH, long strideW, long[] pads,
            long dilationH, long dilationW, long groups) {
        /** A k x k conv with stride 1, "same" padding, no dilation. */
        public static Conv square(long outChannels, long k, long groups) {
            long p = k / 2;
            return new Conv(outChannels, k, k, 1, 1, new long[] {p, p, p, p}, 1, 1, groups);
        }

        String key() {
            return String.format(Locale.ROOT, "%dx%dx%d/s%d,%d/p%d,%d,%d,%d/d%d,%d/g%d", outChannels, kh, kw, strideH,
                    strideW, pads[0], pads[1], pads[2], pads[3], dilationH, dilationW, groups);
        }
    }

    /** A layer configuration: input [n, c, h, w] and the convs applied in order. */
    public record Layer(long n, long c, long h, long w, List<Conv> chain) {
        String key() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "in %d,%d,%d,%d:", n, c, h, w));
            chain.forEach(cv -> sb.append(' ').append(cv.key()));
            return sb.toString();
        }
    }

    private final TvmToolchain toolchain;
    private final String target;
    private final Path store;

    public TvmLayerTimer(TvmToolchain toolchain, String target) {
        this.toolchain = toolchain;
        this.target = target;
        this.store = TvmToolchain.cacheDir().resolve("tvm").resolve("layer-times.json");
    }

    /** Median milliseconds of one run of {@code layer}, measured once per target and cached. */
    public synchronized double millis(Layer layer) {
        String key = target + " | " + layer.key();
        Map<String, Double> times = load();
        Double t = times.get(key);
        if (t != null) {
            return t;
        }
        double measured = measure(layer);
        times = load();
        times.put(key, measured);
        String json = new Gson().toJson(times);
        AtomicFile.write(store, out -> out.write(json.getBytes(StandardCharsets.UTF_8)));
        return measured;
    }

    private double measure(Layer layer) {
        Model m = model(layer);
        RelaxModule module = RelaxEmitter.emit(m);
        Path dir;
        try {
            dir = Files.createTempDirectory("yard-tvm-layer");
        } catch (IOException e) {
            throw new YardException("cannot create a temporary folder: " + e.getMessage(), false, e);
        }
        Path lib = toolchain.build(module, dir, target);
        Tensor x = random(new long[] {layer.n(), layer.c(), layer.h(), layer.w()}, new SplittableRandom(1));
        try (TvmModel tm = TvmModel.load(toolchain.runtime(), lib)) {
            return tm.medianMillis(List.of(x), 3, 10, 200, 300);
        }
    }

    /** The layer as a one-input ONNX-like graph with random weights. */
    static Model model(Layer layer) {
        Graph g = new Graph("layer");
        Value cur = new Value("x", ValueType.tensor(ElementType.FLOAT, Shape.of(layer.n(), layer.c(), layer.h(), layer.w())));
        g.inputs().add(cur);
        long cin = layer.c();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < layer.chain().size(); i++) {
            Conv cv = layer.chain().get(i);
            if (cin % cv.groups() != 0 || cv.outChannels() % cv.groups() != 0) {
                throw YardException.badInput("layer " + layer.key() + ": conv " + i + " has " + cv.groups()
                        + " groups, which do not divide " + cin + " input and " + cv.outChannels() + " output channels");
            }
            Value w = g.addInitializer("w" + i, random(new long[] {cv.outChannels(), cin / cv.groups(), cv.kh(), cv.kw()}, r));
            Value out = new Value("y" + i, null);
            Node n = new Node("conv" + i, "", "Conv", List.of(cur, w), List.of(out));
            n.setAttribute(Attribute.of("strides", new long[] {cv.strideH(), cv.strideW()}));
            n.setAttribute(Attribute.of("pads", cv.pads()));
            n.setAttribute(Attribute.of("dilations", new long[] {cv.dilationH(), cv.dilationW()}));
            n.setAttribute(Attribute.of("group", cv.groups()));
            g.nodes().add(n);
            cur = out;
            cin = cv.outChannels();
        }
        g.outputs().add(cur);
        Model m = new Model(g);
        m.opsetImports().put("", 17L);
        ShapeInference.inferOrThrow(m);
        return m;
    }

    private Map<String, Double> load() {
        if (!Files.exists(store)) {
            return new TreeMap<>();
        }
        try {
            Map<String, Double> m = new Gson().fromJson(Files.readString(store), new TypeToken<TreeMap<String, Double>>() { }.getType());
            return m == null ? new TreeMap<>() : new TreeMap<>(m);
        } catch (IOException | RuntimeException e) {
            return new TreeMap<>();
        }
    }

    private static Tensor random(long[] dims, SplittableRandom r) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        return Tensor.ofFloats(dims, v);
    }

}
