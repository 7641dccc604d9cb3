package dev.yard.passes.decompose;

import dev.yard.ir.ElementType;
import dev.yard.ir.Tensor;
import dev.yard.passes.conv.ConvLayer;
import dev.yard.passes.linalg.DenseTensor;
import dev.yard.passes.linalg.LowRankFactors;
import dev.yard.passes.numeric.Doubles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Factorizations already fitted, by layer and candidate, so that a search which tries the same
 * candidate in many models fits it once: the fit needs the layer's calibration statistics,
 * which the search can then let go of. A conv's factors are kept as the tensors the model will
 * store (f32, or halves for f16 layers), a matrix's in f32: a half or a quarter of the memory
 * of the fits themselves, and nothing the written model would not lose anyway.
 */
final class FitCache {
    /** A conv's geometry and bias, with its weights as the layer's tensor. */
    private record PackedConv(ConvLayer geometry, Tensor weights) {}

    private record PackedFit(
            List<PackedConv> convs, int[] ranks, double relativeError, double outputError, String note) {}

    private record PackedFactors(
            int[] firstShape,
            Tensor first,
            int[] lastShape,
            Tensor last,
            double relativeError,
            double relativeOutputError) {}

    /** Per layer name, per {@link #what}: the fit. */
    private final Map<String, Map<String, Object>> fits = new HashMap<>();

    /** What a layer is decomposed with: {@code method} at {@code ranks} with {@code groups}. */
    static String what(String method, int[] ranks, int groups) {
        return method + " " + Arrays.toString(ranks) + " " + groups;
    }

    private Object get(String layer, String what) {
        Map<String, Object> m = fits.get(layer);
        return m == null ? null : m.get(what);
    }

    private void put(String layer, String what, Object fit) {
        fits.computeIfAbsent(layer, k -> new HashMap<>()).put(what, fit);
    }

    Fit conv(String layer, String what) {
        if (!(get(layer, what) instanceof PackedFit p)) {
            return null;
        }
        List<ConvLayer> convs = new ArrayList<>();
        for (PackedConv c : p.convs()) {
            ConvLayer g = c.geometry();
            convs.add(new ConvLayer(
                    g.out(),
                    g.inPerGroup(),
                    g.kh(),
                    g.kw(),
                    Doubles.of(c.weights()),
                    g.bias(),
                    g.group(),
                    g.strides(),
                    g.pads(),
                    g.dilations(),
                    g.elementType()));
        }
        return new Fit(convs, p.ranks(), p.relativeError(), p.outputError(), p.note());
    }

    void put(String layer, String what, Fit fit) {
        List<PackedConv> convs = new ArrayList<>();
        for (ConvLayer c : fit.convs()) {
            convs.add(new PackedConv(
                    new ConvLayer(
                            c.out(),
                            c.inPerGroup(),
                            c.kh(),
                            c.kw(),
                            new double[0],
                            c.bias(),
                            c.group(),
                            c.strides(),
                            c.pads(),
                            c.dilations(),
                            c.elementType()),
                    c.weightTensor()));
        }
        put(
                layer,
                what,
                new PackedFit(List.copyOf(convs), fit.ranks(), fit.relativeError(), fit.outputError(), fit.note()));
    }

    LowRankFactors factors(String layer, String what) {
        if (!(get(layer, what) instanceof PackedFactors p)) {
            return null;
        }
        return new LowRankFactors(
                new DenseTensor(p.firstShape(), Doubles.of(p.first())),
                new DenseTensor(p.lastShape(), Doubles.of(p.last())),
                new double[0],
                p.relativeError(),
                p.relativeOutputError(),
                null);
    }

    void put(String layer, String what, LowRankFactors f) {
        put(
                layer,
                what,
                new PackedFactors(
                        f.first().shape(),
                        single(f.first()),
                        f.last().shape(),
                        single(f.last()),
                        f.relativeError(),
                        f.relativeOutputError()));
    }

    private static Tensor single(DenseTensor t) {
        return Doubles.toTensor(ElementType.FLOAT, new long[] {t.data().length}, t.data());
    }

    /** Lets go of every fit of {@code layer} but those of {@code keep} (each a {@link #what}). */
    void retainOnly(String layer, Set<String> keep) {
        Map<String, Object> m = fits.get(layer);
        if (m != null) {
            m.keySet().retainAll(keep);
        }
    }

    /** What a file written by {@link #write} starts with; a different start is not read. */
    private static final String MAGIC = "yard-fits 1";

    /**
     * Writes every fit and {@code errors} (per layer, per {@link #what}: the candidate's layer
     * error, fits that could not be made included as NaN) to {@code file}, atomically.
     */
    void write(Path file, Map<String, Map<String, Double>> errors) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
        try {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            try (DataOutputStream file0 =
                            new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16));
                    DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(file0, crc))) {
                out.writeUTF(MAGIC);
                out.writeInt(errors.size());
                for (Map.Entry<String, Map<String, Double>> layer : errors.entrySet()) {
                    out.writeUTF(layer.getKey());
                    out.writeInt(layer.getValue().size());
                    for (Map.Entry<String, Double> e : layer.getValue().entrySet()) {
                        out.writeUTF(e.getKey());
                        out.writeDouble(e.getValue());
                    }
                }
                out.writeInt(size());
                for (Map.Entry<String, Map<String, Object>> layer : new java.util.TreeMap<>(fits).entrySet()) {
                    for (Map.Entry<String, Object> e : new java.util.TreeMap<>(layer.getValue()).entrySet()) {
                        out.writeUTF(layer.getKey());
                        out.writeUTF(e.getKey());
                        if (e.getValue() instanceof PackedFit p) {
                            out.writeByte(1);
                            out.writeInt(p.convs().size());
                            for (PackedConv c : p.convs()) {
                                ConvLayer g = c.geometry();
                                out.writeInt(g.out());
                                out.writeInt(g.inPerGroup());
                                out.writeInt(g.kh());
                                out.writeInt(g.kw());
                                doubles(out, g.bias());
                                out.writeInt(g.group());
                                ints(out, g.strides());
                                ints(out, g.pads());
                                ints(out, g.dilations());
                                out.writeInt(g.elementType().code());
                                tensor(out, c.weights());
                            }
                            ints(out, p.ranks());
                            out.writeDouble(p.relativeError());
                            out.writeDouble(p.outputError());
                            out.writeUTF(p.note());
                        } else if (e.getValue() instanceof PackedFactors f) {
                            out.writeByte(2);
                            ints(out, f.firstShape());
                            tensor(out, f.first());
                            ints(out, f.lastShape());
                            tensor(out, f.last());
                            out.writeDouble(f.relativeError());
                            out.writeDouble(f.relativeOutputError());
                        } else {
                            throw new IllegalStateException("unknown fit " + e.getValue());
                        }
                    }
                }
                out.flush();
                file0.writeLong(crc.getValue());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads what {@link #write} wrote into this cache (which should be empty) and returns its
     * errors; throws IOException when the file is not one it wrote.
     */
    Map<String, Map<String, Double>> read(Path file) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        try (DataInputStream file0 = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
                DataInputStream in = new DataInputStream(new java.util.zip.CheckedInputStream(file0, crc))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException("not a file of fits");
            }
            Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
            int layers = count(in);
            for (int i = 0; i < layers; i++) {
                String layer = in.readUTF();
                Map<String, Double> m = new LinkedHashMap<>();
                int n = count(in);
                for (int k = 0; k < n; k++) {
                    m.put(in.readUTF(), in.readDouble());
                }
                errors.put(layer, m);
            }
            int total = count(in);
            for (int i = 0; i < total; i++) {
                String layer = in.readUTF();
                String what = in.readUTF();
                int kind = in.readByte();
                if (kind == 1) {
                    int n = count(in);
                    List<PackedConv> convs = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        int out = in.readInt();
                        int inPerGroup = in.readInt();
                        int kh = in.readInt();
                        int kw = in.readInt();
                        double[] bias = doubles(in);
                        int group = in.readInt();
                        int[] strides = ints(in);
                        int[] pads = ints(in);
                        int[] dilations = ints(in);
                        ElementType type = type(in);
                        convs.add(new PackedConv(
                                new ConvLayer(
                                        out,
                                        inPerGroup,
                                        kh,
                                        kw,
                                        new double[0],
                                        bias,
                                        group,
                                        strides,
                                        pads,
                                        dilations,
                                        type),
                                tensor(in)));
                    }
                    put(
                            layer,
                            what,
                            new PackedFit(
                                    List.copyOf(convs), ints(in), in.readDouble(), in.readDouble(), in.readUTF()));
                } else if (kind == 2) {
                    int[] firstShape = ints(in);
                    Tensor first = tensor(in);
                    int[] lastShape = ints(in);
                    Tensor last = tensor(in);
                    put(
                            layer,
                            what,
                            new PackedFactors(firstShape, first, lastShape, last, in.readDouble(), in.readDouble()));
                } else {
                    throw new IOException("unknown kind of fit " + kind);
                }
            }
            long sum = crc.getValue();
            if (file0.readLong() != sum) {
                throw new IOException("checksum mismatch");
            }
            if (file0.read() != -1) {
                throw new IOException("bytes after the last fit");
            }
            return errors;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static ElementType type(DataInputStream in) throws IOException {
        int code = in.readInt();
        ElementType t = ElementType.fromCode(code);
        if (t == null) {
            throw new IOException("unknown element type " + code);
        }
        return t;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 24) {
            throw new IOException("implausible count " + n);
        }
        return n;
    }

    private static void ints(DataOutputStream out, int[] v) throws IOException {
        out.writeInt(v.length);
        for (int x : v) {
            out.writeInt(x);
        }
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int[] v = new int[count(in)];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readInt();
        }
        return v;
    }

    private static void doubles(DataOutputStream out, double[] v) throws IOException {
        out.writeInt(v == null ? -1 : v.length);
        if (v != null) {
            for (double x : v) {
                out.writeDouble(x);
            }
        }
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > 1 << 24) {
            throw new IOException("implausible count " + n);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readDouble();
        }
        return v;
    }

    private static void tensor(DataOutputStream out, Tensor t) throws IOException {
        out.writeInt(t.elementType().code());
        long[] d = t.dims();
        out.writeInt(d.length);
        for (long x : d) {
            out.writeLong(x);
        }
        byte[] b = new byte[t.raw().remaining()];
        t.raw().duplicate().get(b);
        out.writeInt(b.length);
        out.write(b);
    }

    private static Tensor tensor(DataInputStream in) throws IOException {
        ElementType type = type(in);
        long[] d = new long[count(in)];
        for (int i = 0; i < d.length; i++) {
            d[i] = in.readLong();
        }
        int n = in.readInt();
        if (n < 0 || n > 1 << 30) {
            throw new IOException("implausible tensor of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return Tensor.ofRaw(type, d, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Deletes the least recently written {@code .bin} files of {@code folder} until the rest
     * take at most {@code maxBytes}, never {@code keep}; returns how many it deleted.
     */
    static int prune(Path folder, long maxBytes, Path keep) throws IOException {
        return dev.yard.ir.io.CacheFolder.prune(
                folder, p -> p.getFileName().toString().endsWith(".bin"), maxBytes, List.of(keep));
    }

    /** Takes every fit of {@code other} (which is left empty). */
    void takeAll(FitCache other) {
        fits.putAll(other.fits);
        other.fits.clear();
    }

    /** How many fits are kept. */
    int size() {
        return fits.values().stream().mapToInt(Map::size).sum();
    }
}
