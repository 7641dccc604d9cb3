package dev.yard.backend.cost;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the {@code analytic} cost model knows about one machine, read from a JSON file. Fields:
 * <dl>
 * <dt>{@code name}, {@code description}</dt><dd>what the target is called and what hardware it stands for</dd>
 * <dt>{@code macs_per_second}</dt><dd>per element type ({@code float32}, required; {@code float16}, {@code int8})
 *     and per kernel kind ({@code dense}, {@code pointwise}, {@code separable}, {@code grouped}, {@code depthwise},
 *     {@code matrix}, all six) the sustained multiply-accumulates per second</dd>
 * <dt>{@code memory_bandwidth_bytes_per_second}</dt><dd>sustained main-memory bandwidth</dd>
 * <dt>{@code last_level_cache_bandwidth_bytes_per_second}</dt><dd>sustained bandwidth of the last-level cache</dd>
 * <dt>{@code l2_bytes}</dt><dd>L2 capacity summed over the cores used (at most the last-level cache)</dd>
 * <dt>{@code last_level_cache_bytes}</dt><dd>the part of the last-level cache the target's cores can count on</dd>
 * <dt>{@code per_operator_overhead_seconds}</dt><dd>fixed cost of running one operator (dispatch, kernel launch)</dd>
 * <dt>{@code channel_alignment}</dt><dd>the channel blocking of the kernels: channel counts cost as if rounded up
 *     to a multiple of it</dd>
 * <dt>{@code reduction_alignment}</dt><dd>optional, what the alignment pads on the input side: {@code channels}
 *     (the default: each input channel block, as a cube unit's C0 blocking does) or {@code patch} (the whole
 *     reduction, input channels x kernel height x kernel width, as a CPU's im2col + GEMM does)</dd>
 * <dt>{@code sources}</dt><dd>for every numeric field, where its value comes from (a datasheet, or "assumed"
 *     and why); keys are field names, or {@code macs_per_second.TYPE}</dd>
 * </dl>
 * Every fault in a file is a {@link YardException#badInput} naming the file and the problem.
 */
public record TargetDescription(
        String name,
        String description,
        Map<String, Map<Layer.Kind, Double>> macsPerSecond,
        double memoryBandwidth,
        double lastLevelCacheBandwidth,
        long l2Bytes,
        long lastLevelCacheBytes,
        double perOperatorOverheadSeconds,
        int channelAlignment,
        boolean alignsPatches,
        Map<String, String> sources) {

    /** Element-type keys of {@code macs_per_second}; {@code float32} is required. */
    public static final List<String> TYPES = List.of("float32", "float16", "int8");

    static final String RESOURCES = "dev/yard/backend/cost/targets/";

    // A class-path folder cannot be listed from inside a jar, so the built-in files are named here;
    // a test checks this list against the folder.
    private static final List<String> BUILT_IN =
            List.of("ascend-310", "cortex-a76", "nvidia-t4", "x86-64-avx2", "x86-64-avx512");

    private static final String MACS = "macs_per_second";
    private static final String MEMORY = "memory_bandwidth_bytes_per_second";
    private static final String CACHE_BANDWIDTH = "last_level_cache_bandwidth_bytes_per_second";
    private static final String L2 = "l2_bytes";
    private static final String LLC = "last_level_cache_bytes";
    private static final String OVERHEAD = "per_operator_overhead_seconds";
    private static final String ALIGNMENT = "channel_alignment";
    private static final String REDUCTION = "reduction_alignment";
    /** The numeric fields besides {@code macs_per_second}, whose sources are given per element type. */
    private static final List<String> SCALARS = List.of(MEMORY, CACHE_BANDWIDTH, L2, LLC, OVERHEAD, ALIGNMENT);

    private static final Set<String> FIELDS = Set.of(
            "name", "description", "sources", MACS, MEMORY, CACHE_BANDWIDTH, L2, LLC, OVERHEAD, ALIGNMENT, REDUCTION);

    public TargetDescription {
        Map<String, Map<Layer.Kind, Double>> rates = new LinkedHashMap<>();
        macsPerSecond.forEach((type, byKind) -> rates.put(type, Collections.unmodifiableMap(new EnumMap<>(byKind))));
        macsPerSecond = Collections.unmodifiableMap(rates);
        sources = Collections.unmodifiableMap(new TreeMap<>(sources));
    }

    /** Names {@link #builtIn} accepts. */
    public static List<String> builtInNames() {
        return BUILT_IN;
    }

    /** Sustained multiply-accumulates per second of {@code kind} kernels on {@code type}, or 0 when no table. */
    public double rate(String type, Layer.Kind kind) {
        Map<Layer.Kind, Double> byKind = macsPerSecond.get(type);
        return byKind == null ? 0 : byKind.get(kind);
    }

    /** Whether {@code macs_per_second} has a table for {@code type} ({@code float16}, say). */
    public boolean hasType(String type) {
        return macsPerSecond.containsKey(type);
    }

    /** The built-in target {@code name} (class-path resource {@code dev/yard/backend/cost/targets/NAME.json}). */
    public static TargetDescription builtIn(String name) {
        String resource = RESOURCES + name + ".json";
        if (!BUILT_IN.contains(name)) {
            throw YardException.badInput(resource + ": no built-in target '" + name + "' (built-in: "
                    + String.join(", ", BUILT_IN) + "; or give the path of a .json file)");
        }
        try (InputStream in = TargetDescription.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw YardException.badInput(resource + ": missing from the class path");
            }
            TargetDescription t = parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!t.name().equals(name)) {
                throw YardException.badInput(resource + ": name is '" + t.name() + "', not '" + name + "'");
            }
            return t;
        } catch (IOException e) {
            throw YardException.badInput(resource + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The target described in {@code file}. */
    public static TargetDescription read(Path file) {
        String text;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw YardException.badInput(
                    file + ": a target description must be a regular file (not a folder, device or pipe)");
        }
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw YardException.badInput(file + ": no such file", e);
        } catch (IOException e) {
            throw YardException.badInput(file + ": cannot be read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    static TargetDescription parse(String file, String text) {
        JsonObject root = JsonFiles.object(file, text);
        return new Fields(file, root).read();
    }

    /** One file's fields, checked as they are read, so an error can name the file and the field. */
    private record Fields(String file, JsonObject json) {
        TargetDescription read() {
            for (String key : json.keySet()) {
                if (!FIELDS.contains(key)) {
                    fail("unknown field '" + key + "' (fields: " + String.join(", ", sorted(FIELDS)) + ")");
                }
            }
            String name = text(json, "name", "name");
            if (name.isBlank()) {
                fail("name is empty");
            }
            Map<String, Map<Layer.Kind, Double>> rates = rates();
            TargetDescription t = new TargetDescription(
                    name,
                    text(json, "description", "description"),
                    rates,
                    positive(json, MEMORY, MEMORY),
                    positive(json, CACHE_BANDWIDTH, CACHE_BANDWIDTH),
                    (long) whole(L2, Long.MAX_VALUE),
                    (long) whole(LLC, Long.MAX_VALUE),
                    positive(json, OVERHEAD, OVERHEAD),
                    (int) whole(ALIGNMENT, 1 << 16),
                    alignsPatches(),
                    sources(rates.keySet()));
            if (t.l2Bytes() > t.lastLevelCacheBytes()) {
                fail(L2 + " (" + t.l2Bytes() + ") is larger than " + LLC + " (" + t.lastLevelCacheBytes() + ")");
            }
            return t;
        }

        private boolean alignsPatches() {
            if (!json.has(REDUCTION)) {
                return false;
            }
            String v = text(json, REDUCTION, REDUCTION);
            if (!v.equals("channels") && !v.equals("patch")) {
                fail(REDUCTION + " must be channels or patch, got '" + v + "'");
            }
            return v.equals("patch");
        }

        private Map<String, Map<Layer.Kind, Double>> rates() {
            JsonObject byType = object(json, MACS, MACS);
            if (!byType.has("float32")) {
                fail(MACS + ".float32 is missing");
            }
            Map<String, Map<Layer.Kind, Double>> rates = new LinkedHashMap<>();
            for (String type : byType.keySet()) {
                if (!TYPES.contains(type)) {
                    fail("unknown element type '" + MACS + "." + type + "' (types: " + String.join(", ", TYPES) + ")");
                }
                String where = MACS + "." + type;
                JsonObject byKind = object(byType, type, where);
                Map<Layer.Kind, Double> kinds = new EnumMap<>(Layer.Kind.class);
                for (String kind : byKind.keySet()) {
                    if (kindOf(kind) == null) {
                        fail("unknown kernel kind '" + where + "." + kind + "' (kinds: " + kindNames() + ")");
                    }
                }
                for (Layer.Kind k : Layer.Kind.values()) {
                    kinds.put(k, positive(byKind, k.text(), where + "." + k.text()));
                }
                rates.put(type, kinds);
            }
            return rates;
        }

        /** Where each number comes from: every field but the rates by name, the rates per element type. */
        private Map<String, String> sources(Set<String> types) {
            JsonObject s = object(json, "sources", "sources");
            Map<String, String> out = new TreeMap<>();
            for (String key : s.keySet()) {
                boolean known = SCALARS.contains(key)
                        || key.startsWith(MACS + ".") && types.contains(key.substring(MACS.length() + 1));
                if (!known) {
                    fail("sources names no field of the file: '" + key + "'");
                }
                out.put(key, text(s, key, "sources." + key));
            }
            List<String> needed = new ArrayList<>(SCALARS);
            types.forEach(type -> needed.add(MACS + "." + type));
            for (String field : needed) {
                if (!out.containsKey(field)) {
                    fail("sources." + field + " is missing: say where the value comes from");
                }
            }
            return out;
        }

        private double whole(String field, double max) {
            double v = positive(json, field, field);
            if (v != Math.rint(v)) {
                fail(field + " must be a whole number, got " + json.get(field));
            }
            if (v > max) {
                fail(field + " must be at most " + (long) max + ", got " + json.get(field));
            }
            return v;
        }

        private double positive(JsonObject o, String key, String where) {
            JsonElement e = present(o, key, where);
            if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
                fail(where + " must be a number, got " + e);
            }
            double v = e.getAsDouble();
            if (!(v > 0) || Double.isInfinite(v)) {
                fail(where + " must be positive, got " + e);
            }
            return v;
        }

        private String text(JsonObject o, String key, String where) {
            JsonElement e = present(o, key, where);
            if (!(e instanceof JsonPrimitive p) || !p.isString()) {
                fail(where + " must be a string, got " + e);
            }
            return e.getAsString();
        }

        private JsonObject object(JsonObject o, String key, String where) {
            JsonElement e = present(o, key, where);
            if (!e.isJsonObject()) {
                fail(where + " must be an object, got " + e);
            }
            return e.getAsJsonObject();
        }

        private JsonElement present(JsonObject o, String key, String where) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                fail(where + " is missing");
            }
            return e;
        }

        private void fail(String what) {
            throw YardException.badInput(file + ": " + what);
        }
    }

    private static Layer.Kind kindOf(String text) {
        for (Layer.Kind k : Layer.Kind.values()) {
            if (k.text().equals(text)) {
                return k;
            }
        }
        return null;
    }

    private static String kindNames() {
        return String.join(
                ", ", Arrays.stream(Layer.Kind.values()).map(Layer.Kind::text).toList());
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
