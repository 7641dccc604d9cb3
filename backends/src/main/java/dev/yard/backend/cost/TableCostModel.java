package dev.yard.backend.cost;

import com.google.auto.service.AutoService;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.yard.ir.ElementType;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModelProvider;
import dev.yard.passes.cost.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code table:PATH}: latencies a hardware team measured on a device Yard cannot reach, read from a CSV or JSON
 * file (by its extension).
 * <p><b>CSV</b>: a header line, exactly
 * <pre>op,type,batch,in,out,h,w,kh,kw,group,stride_h,stride_w,pad_top,pad_left,pad_bottom,pad_right,dilation_h,dilation_w,seconds</pre>
 * then one measurement a line. {@code op=conv} rows fill every column (the input is [batch, in, h, w]);
 * {@code op=matmul} rows give a [batch, in] x [in, out] product (rows, k, n) and leave h through dilation_w empty.
 * {@code type} is an ONNX text name ({@code float}, {@code float16}, {@code int8}, ...); {@code seconds} is the
 * latency of one run, positive. Blank lines and lines starting with {@code #} are skipped.
 * <p><b>JSON</b>: {@code {"target": "...", "layers": [{"op": "conv", "type": "float", "batch": 1, ..., "seconds":
 * 0.0012}]}} with the same names; a matmul omits (or nulls) the conv-only ones. {@code target} is for people.
 * <p><b>Lookup</b>: a configuration in the table costs its latency ({@code measured=true}). Otherwise the rows of its
 * <i>family</i> (the same op, type, batch, h, w, kernel, group, strides, pads and dilations: only {@code in} and
 * {@code out} differ, as when a decomposition picks a rank) are interpolated linearly in MACs between the two that
 * bracket its MACs ({@code measured=false}; rows of one family with equal MACs count as their mean). Outside its
 * family's range, or with no family, it is a {@link YardException#badInput} naming the configuration and the
 * nearest row: a table is evidence, and a guess dressed as evidence would be worse than none.
 * <p>Faults in the file are bad input at {@code FILE:LINE} (in JSON, {@code FILE: layers[INDEX]}).
 */
public final class TableCostModel implements CostModel {
    static final List<String> COLUMNS = List.of(
            "op",
            "type",
            "batch",
            "in",
            "out",
            "h",
            "w",
            "kh",
            "kw",
            "group",
            "stride_h",
            "stride_w",
            "pad_top",
            "pad_left",
            "pad_bottom",
            "pad_right",
            "dilation_h",
            "dilation_w",
            "seconds");
    /** Columns from {@code h} up to {@code seconds} describe a conv only. */
    private static final int FIRST_CONV_ONLY = COLUMNS.indexOf("h"), SECONDS = COLUMNS.indexOf("seconds");

    /** One measurement and where it was read, for error messages. */
    record Row(Layer layer, double seconds, String where) {}

    private final String file;
    private final List<Row> rows;
    private final Map<String, Row> byKey = new HashMap<>();
    /** Family key, then MACs, then the latencies measured at that MACs count. */
    private final Map<String, TreeMap<Long, List<Double>>> families = new HashMap<>();

    TableCostModel(String file, List<Row> rows) {
        this.file = file;
        this.rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw YardException.badInput(file + ": no measurements");
        }
        for (Row r : rows) {
            Row before = byKey.putIfAbsent(r.layer().key(), r);
            if (before == null) {
                families.computeIfAbsent(family(r.layer()), f -> new TreeMap<>())
                        .computeIfAbsent(r.layer().macs(), m -> new ArrayList<>())
                        .add(r.seconds());
            } else if (before.seconds() != r.seconds()) {
                throw fail(
                        r.where(),
                        r.layer().key() + " measured " + r.seconds() + " s, but " + before.where() + " says "
                                + before.seconds() + " s");
            }
        }
    }

    @Override
    public String name() {
        return "table:" + file;
    }

    @Override
    public Cost layer(Layer layer) {
        Row exact = byKey.get(layer.key());
        if (exact != null) {
            return new Cost(exact.seconds(), layer.bytes(), true);
        }
        TreeMap<Long, List<Double>> family = families.get(family(layer));
        long macs = layer.macs();
        var lo = family == null ? null : family.floorEntry(macs);
        var hi = family == null ? null : family.ceilingEntry(macs);
        if (lo == null || hi == null) {
            throw YardException.badInput(file + ": no measured latency for " + layer.key() + " (nearest in the table: "
                    + nearest(layer, family) + ")");
        }
        double low = mean(lo.getValue()), high = mean(hi.getValue());
        double seconds = lo.getKey().equals(hi.getKey())
                ? low
                : low + (high - low) * (macs - lo.getKey()) / (double) (hi.getKey() - lo.getKey());
        return new Cost(seconds, layer.bytes(), false);
    }

    /**
     * The row most like {@code layer} (in its family if it has one, else of its op: the same type first, then the same
     * kernel kind, then the closest in MACs) and why it does not serve.
     */
    private String nearest(Layer layer, TreeMap<Long, List<Double>> family) {
        Row near = rows.stream()
                .filter(r -> family != null
                        ? family(r.layer()).equals(family(layer))
                        : r.layer().getClass() == layer.getClass())
                .min(Comparator.comparing((Row r) -> r.layer().type() != layer.type())
                        .thenComparing(r -> r.layer().kind() != layer.kind())
                        .thenComparingDouble(
                                r -> Math.abs(Math.log((double) r.layer().macs() / layer.macs()))))
                .orElse(null);
        if (near == null) {
            return "none, it has no " + (layer instanceof Layer.Conv ? "conv" : "matmul") + " rows";
        }
        if (family == null) {
            return near.layer().key() + "; no row shares its shape apart from in and out";
        }
        return String.format(
                Locale.ROOT,
                "%s; its family is measured from %,d to %,d MACs, this has %,d",
                near.layer().key(),
                family.firstKey(),
                family.lastKey(),
                layer.macs());
    }

    /** Everything in a layer's key but its channel counts: layers that differ only in rank share it. */
    static String family(Layer layer) {
        if (layer instanceof Layer.Conv c) {
            return String.format(
                    Locale.ROOT,
                    "conv %s n%d h%dw%d k%dx%d g%d s%s p%s d%s",
                    c.type().textName(),
                    c.batch(),
                    c.h(),
                    c.w(),
                    c.kh(),
                    c.kw(),
                    c.group(),
                    Arrays.toString(c.strides()),
                    Arrays.toString(c.pads()),
                    Arrays.toString(c.dilations()));
        }
        Layer.Matrix m = (Layer.Matrix) layer;
        return "matmul " + m.type().textName() + " m" + m.rows();
    }

    /** The table in {@code file}: {@code .csv} or {@code .json}. */
    public static TableCostModel read(Path file) {
        String name = file.toString(), lower = name.toLowerCase(Locale.ROOT);
        boolean json = lower.endsWith(".json");
        if (!json && !lower.endsWith(".csv")) {
            throw YardException.badInput(name + ": a latency table must be a .csv or .json file");
        }
        String text;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw YardException.badInput(
                    name + ": a latency table must be a regular file (not a folder, device or pipe)");
        }
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw YardException.badInput(name + ": no such file", e);
        } catch (IOException e) {
            throw YardException.badInput(name + ": cannot be read: " + e.getMessage(), e);
        }
        return new TableCostModel(name, json ? json(name, text) : csv(name, text));
    }

    static List<Row> csv(String file, String text) {
        List<Row> rows = new ArrayList<>();
        boolean header = false;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip(), where = file + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> cells =
                    Arrays.stream(line.split(",", -1)).map(String::strip).toList();
            if (!header) {
                if (!cells.equals(COLUMNS)) {
                    throw fail(where, "the header must be '" + String.join(",", COLUMNS) + "', got '" + line + "'");
                }
                header = true;
            } else if (cells.size() != COLUMNS.size()) {
                throw fail(where, cells.size() + " columns, the header has " + COLUMNS.size());
            } else {
                rows.add(row(where, cells));
            }
        }
        if (!header) {
            throw YardException.badInput(file + ": no header line '" + String.join(",", COLUMNS) + "'");
        }
        return rows;
    }

    static List<Row> json(String file, String text) {
        JsonObject root = JsonFiles.object(file, text);
        JsonObject o = root;
        if (!Set.of("target", "layers").containsAll(o.keySet())) {
            throw YardException.badInput(file + ": the fields are target and layers, got " + o.keySet());
        }
        if (!(o.get("layers") instanceof JsonArray layers)) {
            throw YardException.badInput(file + ": layers must be an array");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String where = file + ": layers[" + i + "]";
            if (!layers.get(i).isJsonObject()) {
                throw fail(where, "not an object");
            }
            JsonObject l = layers.get(i).getAsJsonObject();
            for (String key : l.keySet()) {
                if (!COLUMNS.contains(key)) {
                    throw fail(where, "unknown field '" + key + "' (fields: " + String.join(", ", COLUMNS) + ")");
                }
            }
            List<String> cells = new ArrayList<>();
            for (String column : COLUMNS) {
                JsonElement e = l.get(column);
                if (e != null && !e.isJsonNull() && !e.isJsonPrimitive()) {
                    throw fail(where, column + " must be a number or a string");
                }
                cells.add(e == null || e.isJsonNull() ? "" : e.getAsString().strip());
            }
            rows.add(row(where, cells));
        }
        return rows;
    }

    /** One measurement from its cells, in {@link #COLUMNS} order; the same checks for CSV and JSON. */
    private static Row row(String where, List<String> cells) {
        String op = cells.get(0);
        if (!op.equals("conv") && !op.equals("matmul")) {
            throw fail(where, "unknown op '" + op + "' (ops: conv, matmul)");
        }
        ElementType type = ElementType.fromTextName(cells.get(1));
        if (type == null || type == ElementType.STRING) {
            throw fail(
                    where,
                    "unknown element type '" + cells.get(1)
                            + "' (ONNX text names: float, float16, bfloat16, int8, ...)");
        }
        boolean conv = op.equals("conv");
        int[] v = new int[SECONDS];
        for (int i = 2; i < SECONDS; i++) {
            String column = COLUMNS.get(i), c = cells.get(i);
            if (!conv && i >= FIRST_CONV_ONLY) {
                if (!c.isEmpty()) {
                    throw fail(where, "matmul rows leave " + column + " empty, got '" + c + "'");
                }
                continue;
            }
            if (c.isEmpty()) {
                throw fail(where, column + " is missing");
            }
            try {
                v[i] = Integer.parseInt(c);
            } catch (NumberFormatException e) {
                throw fail(where, column + " is not a whole number: '" + c + "'");
            }
            // Strides and dilations divide and multiply the output size: 0 would make nonsense, not an error.
            int least = column.startsWith("pad_") ? 0 : 1;
            if (v[i] < least) {
                throw fail(where, column + " must be at least " + least + ", got " + v[i]);
            }
        }
        double seconds;
        try {
            seconds = Double.parseDouble(cells.get(SECONDS));
        } catch (NumberFormatException e) {
            throw fail(where, "seconds is not a number: '" + cells.get(SECONDS) + "'");
        }
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw fail(where, "seconds must be positive, got " + cells.get(SECONDS));
        }
        try {
            if (!conv) {
                return new Row(new Layer.Matrix(type, v[2], v[3], v[4]), seconds, where);
            }
            Layer.Conv c = new Layer.Conv(
                    type,
                    v[2],
                    v[3],
                    v[4],
                    v[5],
                    v[6],
                    v[7],
                    v[8],
                    v[9],
                    new int[] {v[10], v[11]},
                    new int[] {v[12], v[13], v[14], v[15]},
                    new int[] {v[16], v[17]});
            // Checked before outH(), whose integer division would round a misfit up to one row.
            if (c.h() + v[12] + v[14] <= v[16] * (c.kh() - 1) || c.w() + v[13] + v[15] <= v[17] * (c.kw() - 1)) {
                throw fail(where, "the kernel does not fit the padded input: " + c.key());
            }
            return new Row(c, seconds, where);
        } catch (IllegalArgumentException e) {
            throw fail(where, e.getMessage());
        }
    }

    private static double mean(List<Double> seconds) {
        return seconds.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static YardException fail(String where, String what) {
        // A JSON string may hold a line break; the report is one line.
        return YardException.badInput(where + ": " + what.replaceAll("\\R", " "));
    }

    /** Registers {@code table:PATH}. */
    @AutoService(CostModelProvider.class)
    public static final class Provider implements CostModelProvider {
        @Override
        public String name() {
            return "table";
        }

        @Override
        public String summary() {
            return "latencies measured on a device, interpolated across ranks (table:FILE.csv or table:FILE.json)";
        }

        @Override
        public CostModel create(String arguments) {
            String a = arguments.trim();
            if (a.isEmpty()) {
                throw YardException.badInput("--cost-model table needs a file of measured latencies: table:FILE.csv or "
                        + "table:FILE.json");
            }
            try {
                return read(Path.of(a));
            } catch (InvalidPathException e) {
                throw YardException.badInput(a + ": not a file name: " + e.getReason(), e);
            }
        }
    }
}
