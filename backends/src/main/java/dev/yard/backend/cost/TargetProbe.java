package dev.yard.backend.cost;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.yard.backend.ort.OrtSession;
import dev.yard.ir.ElementType;
import dev.yard.passes.cost.Layer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Measures a {@link TargetDescription} of this host ({@code yard target probe}): the numbers the
 * {@code analytic} roofline needs, from ONNX Runtime micro-benchmarks ({@link OrtCostModel#measureSeconds})
 * and from what Linux says about the CPU. The rates and bandwidths are what ONNX Runtime achieves
 * on layers, not the hardware's peaks, so the roofline prices layers as ONNX Runtime runs them.
 * The whole probe takes some seconds; every measurement is one fresh, uncached median.
 */
public final class TargetProbe {
    private static final ElementType F32 = ElementType.FLOAT;
    private static final long MIB = 1 << 20;

    private TargetProbe() {}

    /** A layer to time, and how a report names it. */
    private record Probe(String what, Layer layer) {}

    /** The best of a kind's probes: its rate or bandwidth, and which probe achieved it. */
    private record Best(double value, String what) {}

    /** What Linux says about the CPU: its model, its vector width, its caches (each with where it came from). */
    private record Host(String cpu, boolean avx512, long l2Bytes, String l2Source, long llcBytes, String llcSource) {}

    /** The JSON text of a target description of this host, running ONNX Runtime on {@code threads} threads. */
    public static String probe(int threads, Consumer<String> progress) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        Host host = host(threads);
        String measured = String.format(
                Locale.ROOT,
                "measured on %s with ONNX Runtime %s, %d threads, %s",
                host.cpu(),
                OrtSession.environment().getVersion(),
                threads,
                LocalDate.now(java.time.ZoneOffset.UTC));

        // The overhead first: the rates and bandwidths below are of the time beyond it, as the roofline adds it back.
        Probe tiny = new Probe("1x1 conv 8->8 on 1x1", Layer.Conv.pointwise(F32, 1, 8, 8, 1, 1));
        progress.accept("measuring per-operator overhead (" + tiny.what() + ")");
        double overhead = OrtCostModel.measureSeconds(List.of(tiny.layer()), threads);

        Map<Layer.Kind, Best> rates = new EnumMap<>(Layer.Kind.class);
        for (Layer.Kind kind : Layer.Kind.values()) {
            Best best = null;
            for (Probe p : computeProbes(kind)) {
                progress.accept("measuring " + kind.text() + ": " + p.what());
                double rate =
                        p.layer().macs() / beyond(OrtCostModel.measureSeconds(List.of(p.layer()), threads), overhead);
                if (best == null || rate > best.value()) {
                    best = new Best(rate, p.what());
                }
            }
            rates.put(kind, best);
        }

        // Streaming layers: few MACs per byte, so their time is the time to move bytes() through the cache level
        // their working set lands in. The best of two kernels, as neither moves exactly bytes() (layout reorders).
        long memorySet = Math.min(Math.max(64 * MIB, 4 * host.llcBytes()), 256 * MIB);
        Best memory = bandwidth(memorySet, "main memory", threads, overhead, progress);
        // Between L2 and the last level: the geometric middle, at least twice L2 where the cache has room for it.
        long cacheSet = (long) Math.sqrt((double) host.l2Bytes() * host.llcBytes());
        cacheSet = Math.min(Math.max(cacheSet, 2 * host.l2Bytes()), host.llcBytes());
        Best cache = bandwidth(cacheSet, "last-level cache", threads, overhead, progress);
        String cacheNote = "";
        if (cache.value() < memory.value()) {
            // Noise or a cache shared with busy neighbours; a cache slower than memory would make the roofline
            // price mid-sized layers above big ones.
            cacheNote = String.format(
                    Locale.ROOT, "; measured %.3g B/s, below main memory's, so raised to it", cache.value());
            cache = new Best(memory.value(), cache.what());
        }

        JsonObject json = new JsonObject();
        json.addProperty("name", "host");
        json.addProperty(
                "description",
                String.format(
                        Locale.ROOT,
                        "This host: %s, %d of its %d logical CPUs running "
                                + "ONNX Runtime on float32 (measured by yard target probe on %s)",
                        host.cpu(),
                        threads,
                        Runtime.getRuntime().availableProcessors(),
                        LocalDate.now(java.time.ZoneOffset.UTC)));
        JsonObject float32 = new JsonObject();
        rates.forEach((kind, best) -> float32.addProperty(kind.text(), round(best.value())));
        JsonObject macs = new JsonObject();
        macs.add("float32", float32);
        json.add("macs_per_second", macs);
        json.addProperty("memory_bandwidth_bytes_per_second", round(memory.value()));
        json.addProperty("last_level_cache_bandwidth_bytes_per_second", round(cache.value()));
        json.addProperty("l2_bytes", host.l2Bytes());
        json.addProperty("last_level_cache_bytes", host.llcBytes());
        json.addProperty("per_operator_overhead_seconds", round(overhead));
        json.addProperty("reduction_alignment", "patch");
        json.addProperty("channel_alignment", host.avx512() ? 16 : 8);

        Map<String, String> sources = new TreeMap<>();
        List<String> winners = new ArrayList<>();
        rates.forEach((kind, best) -> winners.add(kind.text() + " " + best.what()));
        sources.put(
                "macs_per_second.float32",
                measured + ": MACs / (median latency - per-operator overhead) of the "
                        + "fastest of 3 float32 layers per kind, each with a working set under 4 MB; fastest: "
                        + String.join(", ", winners));
        sources.put(
                "memory_bandwidth_bytes_per_second",
                measured + ": bytes (input, output, weights) / (median latency " + "- per-operator overhead) of "
                        + memory.what());
        sources.put(
                "last_level_cache_bandwidth_bytes_per_second", measured + ": the same of " + cache.what() + cacheNote);
        sources.put("l2_bytes", host.l2Source());
        sources.put("last_level_cache_bytes", host.llcSource());
        sources.put(
                "per_operator_overhead_seconds",
                measured + ": median latency of a " + tiny.what()
                        + " (dispatch, thread-pool fork and join, the JNI call)");
        sources.put(
                "channel_alignment",
                host.avx512()
                        ? "/proc/cpuinfo flags contain avx512f: a 512-bit vector holds 16 float32 lanes; kernels block channels by 16"
                        : "assumed: no avx512f in /proc/cpuinfo flags, so 256-bit vectors of 8 float32 lanes; kernels block channels by 8");
        JsonObject s = new JsonObject();
        sources.forEach(s::addProperty);
        json.add("sources", s);
        return new GsonBuilder()
                        .setPrettyPrinting()
                        .disableHtmlEscaping()
                        .create()
                        .toJson(json) + "\n";
    }

    /**
     * Layers of tens to hundreds of millions of MACs (depthwise: a few million, as no CPU runs it compute bound),
     * each well under 10 ms, whose working sets (1-3.5 MB) sit in or near the L2 of two cores, where the roofline charges no
     * memory time: the rate is the kernels' arithmetic, and the bandwidth term prices what spills. (Layers of 4 MB
     * and more ran at half the rate on a 2-vCPU EPYC: timing them here would count their cache misses twice.)
     * Channel counts and im2col reductions are multiples of 16, so the roofline's alignment rounds none of them up.
     */
    private static List<Probe> computeProbes(Layer.Kind kind) {
        return switch (kind) {
            case DENSE -> List.of(conv(128, 128, 28, 3, 3, 1), conv(256, 256, 14, 3, 3, 1), conv(96, 96, 48, 3, 3, 1));
            case POINTWISE ->
                List.of(conv(256, 256, 28, 1, 1, 1), conv(512, 512, 14, 1, 1, 1), conv(128, 128, 56, 1, 1, 1));
            case SEPARABLE ->
                List.of(conv(128, 128, 28, 3, 1, 1), conv(128, 128, 28, 1, 3, 1), conv(256, 256, 14, 3, 1, 1));
            case GROUPED ->
                List.of(conv(128, 128, 28, 3, 3, 4), conv(256, 256, 28, 3, 3, 4), conv(128, 128, 56, 3, 3, 4));
            case DEPTHWISE ->
                List.of(conv(256, 256, 28, 3, 3, 256), conv(128, 128, 56, 3, 3, 128), conv(512, 512, 14, 3, 3, 512));
            case MATRIX -> List.of(matrix(256, 512, 512), matrix(512, 256, 512), matrix(128, 1024, 512));
        };
    }

    private static Probe matrix(int rows, int k, int n) {
        return new Probe("MatMul " + rows + "x" + k + " by " + k + "x" + n, new Layer.Matrix(F32, rows, k, n));
    }

    /** A same-padded, stride-1 conv on a square map. */
    private static Probe conv(int in, int out, int side, int kh, int kw, int group) {
        Layer.Conv c = new Layer.Conv(
                F32,
                1,
                in,
                out,
                side,
                side,
                kh,
                kw,
                group,
                new int[] {1, 1},
                new int[] {kh / 2, kw / 2, kh / 2, kw / 2},
                new int[] {1, 1});
        String shape = group == in && group == out
                ? kh + "x" + kw + " depthwise conv " + in
                : kh + "x" + kw + " conv " + in + "->" + out + (group > 1 ? " group " + group : "");
        return new Probe(shape + " on " + side + "x" + side, c);
    }

    /** The best bytes per second of two streaming layers whose working set is about {@code bytes}. */
    private static Best bandwidth(long bytes, String level, int threads, double overhead, Consumer<String> progress) {
        // A 1x1 conv 16->16 moves 2 x 16 floats a pixel, a 3x3 depthwise conv on 64 channels 2 x 64.
        int pointwiseSide = side(bytes, 2 * 16 * 4);
        int depthwiseSide = side(bytes, 2 * 64 * 4);
        List<Probe> probes = List.of(
                new Probe(
                        "1x1 conv 16->16 on " + pointwiseSide + "x" + pointwiseSide,
                        Layer.Conv.pointwise(F32, 1, 16, 16, pointwiseSide, pointwiseSide)),
                conv(64, 64, depthwiseSide, 3, 3, 64));
        Best best = null;
        for (Probe p : probes) {
            String what = String.format(
                    Locale.ROOT, "%s (%.1f MiB)", p.what(), p.layer().bytes() / (double) MIB);
            progress.accept("measuring " + level + " bandwidth: " + what);
            double rate =
                    p.layer().bytes() / beyond(OrtCostModel.measureSeconds(List.of(p.layer()), threads), overhead);
            if (best == null || rate > best.value()) {
                best = new Best(rate, what);
            }
        }
        return best;
    }

    /** The side of a square map, a multiple of 8, on which {@code perPixel} bytes a pixel come to about {@code bytes}. */
    private static int side(long bytes, int perPixel) {
        return Math.max(8, (int) Math.sqrt((double) bytes / perPixel) / 8 * 8);
    }

    /** Seconds beyond the per-operator overhead; a layer measured faster than twice it keeps half its time. */
    private static double beyond(double seconds, double overhead) {
        return Math.max(seconds - overhead, seconds / 2);
    }

    private static double round(double v) {
        return new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }

    private static Host host(int threads) {
        String cpu = null;
        boolean avx512 = false;
        try {
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info)) {
                    String value = line.substring(line.indexOf(':') + 1).trim();
                    if (cpu == null && line.startsWith("model name")) {
                        cpu = value;
                    }
                    if (line.startsWith("flags") && List.of(value.split("\\s+")).contains("avx512f")) {
                        avx512 = true;
                    }
                }
            }
        } catch (IOException e) {
            // no model name and no flags: named by the architecture, 8-wide
        }
        if (cpu == null || cpu.isBlank()) {
            cpu = "an unnamed " + System.getProperty("os.arch", "") + " CPU";
        }

        // The caches of cpu0 by level: L2 and the last level, skipping instruction caches.
        TreeMap<Integer, long[]> byLevel = new TreeMap<>(); // level -> {bytes, CPUs sharing one}
        Map<Integer, String> files = new TreeMap<>();
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        try (Stream<Path> indexes = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            for (Path index : indexes.filter(p -> p.getFileName().toString().startsWith("index"))
                    .sorted()
                    .toList()) {
                if (read(index.resolve("type")).equals("Instruction")) {
                    continue;
                }
                int level = Integer.parseInt(read(index.resolve("level")));
                long size = bytes(read(index.resolve("size")));
                int sharers = cpuCount(read(index.resolve("shared_cpu_list")));
                byLevel.put(level, new long[] {size, sharers});
                files.put(level, index.resolve("size").toString());
            }
        } catch (IOException | RuntimeException e) {
            byLevel.clear(); // unreadable or unexpected: the defaults below
        }
        long[] l2 = byLevel.get(2);
        int last = byLevel.isEmpty() ? 0 : byLevel.lastKey();
        if (l2 == null || last < 2) {
            long l2Bytes = threads * MIB;
            long llcBytes = Math.max(l2Bytes, 8 * MIB);
            String why = "assumed: " + dir + " does not list the caches; ";
            return new Host(
                    cpu,
                    avx512,
                    l2Bytes,
                    why + "1 MiB of private L2 per thread",
                    llcBytes,
                    why + "8 MiB of last-level cache (or the L2s, if more)");
        }
        // Threads packed onto as few caches as the sharing allows: the capacity they can count on.
        long l2Bytes = l2[0] * ((threads + l2[1] - 1) / l2[1]);
        long[] llc = byLevel.get(last);
        long share = (long) (llc[0] * Math.min(1.0, (double) threads / llc[1]));
        long llcBytes = Math.max(l2Bytes, share);
        return new Host(
                cpu,
                avx512,
                l2Bytes,
                String.format(
                        Locale.ROOT,
                        "%s: %d KiB per L2 (one per %d CPUs), x %d L2s for %d threads",
                        files.get(2),
                        l2[0] / 1024,
                        l2[1],
                        (threads + l2[1] - 1) / l2[1],
                        threads),
                llcBytes,
                String.format(
                        Locale.ROOT,
                        "%s: L%d of %d KiB shared by %d CPUs, the share of %d threads%s",
                        files.get(last),
                        last,
                        llc[0] / 1024,
                        llc[1],
                        threads,
                        llcBytes > share ? ", raised to the L2s it includes" : ""));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).trim();
    }

    /** A size as sysfs writes it: {@code 1024K}, {@code 32M}, or bytes. */
    private static long bytes(String size) {
        char unit = Character.toUpperCase(size.charAt(size.length() - 1));
        long scale = unit == 'K' ? 1024 : unit == 'M' ? MIB : unit == 'G' ? 1024 * MIB : 1;
        return Long.parseLong(scale == 1 ? size : size.substring(0, size.length() - 1)) * scale;
    }

    /** CPUs in a list such as {@code 0-3,8-11}. */
    private static int cpuCount(String list) {
        int n = 0;
        for (String range : list.split(",")) {
            String[] ends = range.trim().split("-");
            n += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
        }
        return Math.max(n, 1);
    }
}
