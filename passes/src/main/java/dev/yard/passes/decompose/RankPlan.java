package dev.yard.passes.decompose;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.yard.ir.YardException;
import dev.yard.passes.linalg.Method;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A per-layer plan for {@code decompose}, as JSON: which layers to factorize, how, and with
 * which ranks. The format automatic rank selection writes:
 * <pre>
 * {"layers": {
 *    "conv1": {"method": "tucker2", "ranks": [16, 8]},
 *    "conv2": {"method": "btd", "ranks": [32, 32], "groups": 4},
 *    "fc1":   {"method": "svd", "ranks": [20]}
 * }}
 * </pre>
 * Layers are named by node name (or, for unnamed nodes, by their first output). Ranks may be
 * given as {@code "rank": "evbmf"} instead, in any form the {@code rank} option takes.
 */
record RankPlan(Map<String, Entry> layers) {

    /** The plan for one layer: the method, and either explicit ranks or a rank spec. */
    record Entry(Method method, int[] ranks, RankSpec spec, int groups) {}

    static RankPlan read(String file) {
        String text;
        try {
            Path p = Path.of(file);
            if (Files.exists(p) && !Files.isRegularFile(p)) {
                throw YardException.badInput(
                        file + ": a rank plan must be a regular file (not a folder, device or pipe)");
            }
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (InvalidPathException e) {
            throw YardException.badInput(file + ": not a file name: " + e.getReason());
        } catch (IOException e) {
            throw YardException.badInput(file + ": cannot read the rank plan: " + e.getMessage());
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()
                    || !root.getAsJsonObject().has("layers")
                    || !root.getAsJsonObject().get("layers").isJsonObject()) {
                throw YardException.badInput(file + ": a rank plan is {\"layers\": {name: {...}, ...}}");
            }
            Map<String, Entry> layers = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e :
                    root.getAsJsonObject().getAsJsonObject("layers").entrySet()) {
                layers.put(e.getKey(), entry(file, e.getKey(), e.getValue()));
            }
            return new RankPlan(layers);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | ClassCastException e) {
            throw YardException.badInput(file + ": not a valid rank plan: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /**
     * A count of at least 1 that fits an int, written as a JSON number: "abc" once raised a
     * NumberFormatException, 2.7 became 2, and 1e20 a wrapped 1661992960.
     */
    private static int wholeNumber(JsonElement v, String what) {
        java.math.BigDecimal d;
        try {
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new NumberFormatException();
            }
            d = v.getAsBigDecimal();
        } catch (NumberFormatException | UnsupportedOperationException e) {
            throw YardException.badInput(what + ": expected a whole number, got " + v);
        }
        if (d.signum() <= 0
                || d.stripTrailingZeros().scale() > 0
                || d.compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw YardException.badInput(
                    what + ": expected a whole number from 1 to " + Integer.MAX_VALUE + ", got " + v);
        }
        return d.intValueExact();
    }

    private static Entry entry(String file, String layer, JsonElement v) {
        String where = file + ": layer '" + layer + "': ";
        if (!v.isJsonObject()) {
            throw YardException.badInput(where + "expected an object with method and ranks");
        }
        JsonObject o = v.getAsJsonObject();
        if (!o.has("method")) {
            throw YardException.badInput(where + "no method");
        }
        String m = o.get("method").getAsString();
        if (!Method.choices().contains(m) || m.equals("auto")) {
            throw YardException.badInput(where + "unknown method '" + m + "' (svd, tucker2, btd, cp, tt)");
        }
        Method method = Method.of(m);
        int groups = o.has("groups") ? wholeNumber(o.get("groups"), where + "groups") : 1;
        if (o.has("ranks")) {
            JsonArray a = o.getAsJsonArray("ranks");
            int need = method.modes();
            if (a.size() != need) {
                throw YardException.badInput(where + method.text() + " takes " + need + " ranks, got " + a.size());
            }
            int[] r = new int[need];
            for (int i = 0; i < need; i++) {
                r[i] = wholeNumber(a.get(i), where + "rank " + (i + 1));
            }
            return new Entry(method, r, null, groups);
        }
        if (o.has("rank")) {
            return new Entry(method, null, RankSpec.parse(o.get("rank").getAsString()), groups);
        }
        throw YardException.badInput(where + "give \"ranks\": [...] or \"rank\": \"...\"");
    }
}
