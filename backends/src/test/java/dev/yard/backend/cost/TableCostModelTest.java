package dev.yard.backend.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.yard.ir.ElementType;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModels;
import dev.yard.passes.cost.Layer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The measured-latency table: exact rows, interpolation across ranks only within a family, and bad files. */
class TableCostModelTest {
    private static final ElementType F32 = ElementType.FLOAT;
    private static final String HEADER = String.join(",", TableCostModel.COLUMNS);

    private static Path sample() throws URISyntaxException {
        return Path.of(TableCostModelTest.class.getResource("sample-table.csv").toURI());
    }

    /** A 1x1 conv on 56x56, the family the sample measures at ranks 16, 32 and 64. */
    private static Layer pointwise(int in, int out) {
        return Layer.Conv.pointwise(F32, 1, in, out, 56, 56);
    }

    private static Layer conv3x3(ElementType type) {
        return new Layer.Conv(
                type, 1, 64, 64, 56, 56, 3, 3, 1, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
    }

    @Test
    void exactRowsOfTheSampleAreMeasured() throws URISyntaxException {
        TableCostModel table = TableCostModel.read(sample());
        Layer depthwise = new Layer.Conv(
                F32, 1, 32, 32, 112, 112, 3, 3, 32, new int[] {2, 2}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        assertMeasured(table, pointwise(64, 16), 0.000110);
        assertMeasured(table, pointwise(64, 64), 0.000330);
        assertMeasured(table, conv3x3(F32), 0.00210);
        assertMeasured(table, conv3x3(ElementType.FLOAT16), 0.00120);
        assertMeasured(table, depthwise, 0.000190);
        assertMeasured(table, new Layer.Matrix(F32, 1, 512, 1000), 0.000150);
        // A chain is the sum of its layers, measured because each is.
        Cost chain = table.chain(List.of(pointwise(64, 16), new Layer.Matrix(F32, 1, 512, 1000)));
        assertEquals(0.000260, chain.seconds(), 1e-15);
        assertTrue(chain.measured());
    }

    @Test
    void anEquivalentJsonFileGivesTheSameCosts(@TempDir Path dir) throws IOException, URISyntaxException {
        // Built from the sample's rows, so the two files say the same thing by construction.
        List<String> lines = Files.readAllLines(sample()).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("op,"))
                .toList();
        JsonArray layers = new JsonArray();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            JsonObject o = new JsonObject();
            for (int i = 0; i < cells.length; i++) {
                String column = TableCostModel.COLUMNS.get(i);
                if (cells[i].isEmpty()) {
                    continue;
                }
                if (i < 2) {
                    o.addProperty(column, cells[i]);
                } else if (column.equals("seconds")) {
                    o.addProperty(column, Double.parseDouble(cells[i]));
                } else {
                    o.addProperty(column, Integer.parseInt(cells[i]));
                }
            }
            layers.add(o);
        }
        JsonObject root = new JsonObject();
        root.addProperty("target", "sample device");
        root.add("layers", layers);
        Path json = dir.resolve("sample.json");
        Files.writeString(json, root.toString());

        TableCostModel fromJson = TableCostModel.read(json);
        List<TableCostModel.Row> rows = TableCostModel.csv("sample-table.csv", Files.readString(sample()));
        assertEquals(lines.size(), rows.size());
        for (TableCostModel.Row row : rows) {
            assertMeasured(fromJson, row.layer(), row.seconds());
        }
        assertEquals(
                TableCostModel.read(sample()).layer(pointwise(64, 24)).seconds(),
                fromJson.layer(pointwise(64, 24)).seconds());
    }

    @Test
    void ranksBetweenTwoMeasuredOnesAreInterpolatedLinearlyInMacs() throws URISyntaxException {
        TableCostModel table = TableCostModel.read(sample());
        double lo = 0.000110, hi = 0.000180;
        long loMacs = pointwise(64, 16).macs(), hiMacs = pointwise(64, 32).macs();
        // Rank 24 on the output, and a smaller input as well: both stay in the family of 1x1 convs on 56x56.
        for (Layer asked : List.of(pointwise(64, 24), pointwise(48, 24), pointwise(64, 17))) {
            Cost cost = table.layer(asked);
            assertFalse(cost.measured(), asked + " is estimated");
            assertTrue(cost.seconds() > lo && cost.seconds() < hi, asked + ": " + cost.seconds());
            double expected = lo + (hi - lo) * (asked.macs() - loMacs) / (hiMacs - loMacs);
            assertEquals(expected, cost.seconds(), 1e-15, asked.key());
            assertEquals(asked.bytes(), cost.bytes());
        }
        assertEquals(
                (lo + hi) / 2, table.layer(pointwise(64, 24)).seconds(), 1e-15, "halfway in MACs, halfway in time");
        // Between the second and third rank the other segment's slope applies.
        assertEquals((0.000180 + 0.000330) / 2, table.layer(pointwise(64, 48)).seconds(), 1e-15);
        // Same MACs as a measured rank but transposed: that rank's latency, still an estimate.
        Cost transposed = table.layer(pointwise(16, 64));
        assertEquals(lo, transposed.seconds(), 1e-15);
        assertFalse(transposed.measured());
    }

    @Test
    void ranksOutsideTheMeasuredRangeAreAnErrorNamingTheConfiguration() throws URISyntaxException {
        TableCostModel table = TableCostModel.read(sample());
        String below = assertBadInput(
                () -> table.layer(pointwise(64, 8)), pointwise(64, 8).key());
        assertTrue(
                below.contains("no measured latency for " + pointwise(64, 8).key() + " (nearest in the table: "
                        + pointwise(64, 16).key() + ";"),
                below);
        String above = assertBadInput(
                () -> table.layer(pointwise(64, 128)), pointwise(64, 128).key());
        assertTrue(above.contains("nearest in the table: " + pointwise(64, 64).key()), above);
        assertTrue(above.contains("from 3,211,264 to 12,845,056 MACs"), above);
    }

    @Test
    void aGeometryTheTableLacksIsAnErrorNotAGuess() throws URISyntaxException {
        TableCostModel table = TableCostModel.read(sample());
        Layer smallerMap = Layer.Conv.pointwise(F32, 1, 64, 32, 28, 28);
        String e = assertBadInput(() -> table.layer(smallerMap), "no measured latency for " + smallerMap.key());
        assertTrue(e.contains("no row shares its shape apart from in and out"), e);
        // The nearest row is of the same type and kind, closest in MACs: not the depthwise conv, closer in MACs.
        assertTrue(e.contains("nearest in the table: " + pointwise(64, 16).key() + ";"), e);
        Layer int8 = Layer.Conv.pointwise(ElementType.INT8, 1, 64, 32, 56, 56);
        assertBadInput(() -> table.layer(int8), int8.key());
        Layer otherRows = new Layer.Matrix(F32, 8, 512, 1000);
        String m = assertBadInput(() -> table.layer(otherRows), otherRows.key());
        assertTrue(m.contains("nearest in the table: matmul float m1 k512 n1000"), m);
    }

    @Test
    void badFilesAreBadInputAtTheirLine(@TempDir Path dir) throws IOException {
        String conv = "conv,float,1,64,16,56,56,1,1,1,1,1,0,0,0,0,1,1,";
        assertBadFile(dir, "missing.csv", null, "missing.csv: no such file");
        Files.createDirectory(dir.resolve("folder.csv"));
        assertBadFile(dir, "folder.csv", null, "folder.csv: a latency table must be a regular file");
        assertBadFile(dir, "t.txt", HEADER + "\n", "t.txt: a latency table must be a .csv or .json file");
        assertBadFile(dir, "empty.csv", "# nothing\n", "empty.csv: no header line");
        assertBadFile(dir, "header.csv", "# a comment\nop,type,batch\n", "header.csv:2: the header must be");
        assertBadFile(dir, "noRows.csv", HEADER + "\n", "noRows.csv: no measurements");
        assertBadFile(
                dir, "columns.csv", HEADER + "\n" + conv + "0.1,7\n", "columns.csv:2: 20 columns, the header has 19");
        assertBadFile(
                dir,
                "number.csv",
                HEADER + "\n" + conv.replace(",56,", ",5x6,") + "0.1\n",
                "number.csv:2: h is not a whole number: '5x6'");
        assertBadFile(
                dir, "seconds.csv", HEADER + "\n" + conv + "fast\n", "seconds.csv:2: seconds is not a number: 'fast'");
        assertBadFile(
                dir,
                "negative.csv",
                HEADER + "\n\n" + conv + "-0.1\n",
                "negative.csv:3: seconds must be positive, got -0.1");
        assertBadFile(dir, "zero.csv", HEADER + "\n" + conv + "0\n", "zero.csv:2: seconds must be positive, got 0");
        assertBadFile(
                dir, "op.csv", HEADER + "\n" + conv.replace("conv,", "relu,") + "0.1\n", "op.csv:2: unknown op 'relu'");
        assertBadFile(
                dir,
                "type.csv",
                HEADER + "\n" + conv.replace("float", "fp32") + "0.1\n",
                "type.csv:2: unknown element type 'fp32'");
        assertBadFile(
                dir,
                "stride.csv",
                HEADER + "\n" + conv.replace(",1,1,0,0,0,0,", ",0,1,0,0,0,0,") + "0.1\n",
                "stride.csv:2: stride_h must be at least 1, got 0");
        assertBadFile(
                dir,
                "group.csv",
                HEADER + "\n" + "conv,float,1,64,16,56,56,1,1,3,1,1,0,0,0,0,1,1,0.1\n",
                "group.csv:2: not a conv configuration");
        assertBadFile(
                dir,
                "fit.csv",
                HEADER + "\n" + "conv,float,1,8,8,2,2,5,5,1,2,2,0,0,0,0,1,1,0.1\n",
                "fit.csv:2: the kernel does not fit the padded input");
        assertBadFile(
                dir,
                "matmul.csv",
                HEADER + "\n" + "matmul,float,1,512,1000,7,,,,,,,,,,,,,0.1\n",
                "matmul.csv:2: matmul rows leave h empty, got '7'");
        assertBadFile(
                dir,
                "duplicate.csv",
                HEADER + "\n" + conv + "0.1\n# again\n" + conv + "0.2\n",
                "duplicate.csv:4: " + pointwise(64, 16).key() + " measured 0.2 s, but " + dir.resolve("duplicate.csv")
                        + ":2 says 0.1 s");
        // The same measurement twice is no contradiction.
        Path twice = dir.resolve("twice.csv");
        Files.writeString(twice, HEADER + "\n" + conv + "0.1\n" + conv + "0.1\n");
        assertEquals(0.1, TableCostModel.read(twice).layer(pointwise(64, 16)).seconds());
    }

    @Test
    void badJsonIsBadInputAtItsEntry(@TempDir Path dir) throws IOException {
        String ok =
                "\"op\":\"conv\",\"type\":\"float\",\"batch\":1,\"in\":64,\"out\":16,\"h\":56,\"w\":56,\"kh\":1,\"kw\":1,"
                        + "\"group\":1,\"stride_h\":1,\"stride_w\":1,\"pad_top\":0,\"pad_left\":0,\"pad_bottom\":0,\"pad_right\":0,"
                        + "\"dilation_h\":1,\"dilation_w\":1";
        assertBadFile(dir, "syntax.json", "{\"layers\": [", "syntax.json: not JSON");
        assertBadFile(dir, "array.json", "[]", "array.json: not a JSON object");
        assertBadFile(dir, "layers.json", "{\"target\": \"x\"}", "layers.json: layers must be an array");
        assertBadFile(
                dir,
                "field.json",
                "{\"layers\": [{" + ok + ",\"seconds\":0.1,\"speed\":2}]}",
                "field.json: layers[0]: unknown field 'speed'");
        assertBadFile(
                dir,
                "zero.json",
                "{\"layers\": [{" + ok + ",\"seconds\":0.1}, {" + ok.replace("16", "32") + ",\"seconds\":0}]}",
                "zero.json: layers[1]: seconds must be positive");
        assertBadFile(
                dir,
                "missing.json",
                "{\"layers\": [{" + ok.replace(",\"h\":56", "") + ",\"seconds\":0.1}]}",
                "missing.json: layers[0]: h is missing");
        assertBadFile(
                dir,
                "newline.json",
                "{\"layers\": [{" + ok.replace("\"float\"", "\"fl\\noat\"") + ",\"seconds\":1}]}",
                "newline.json: layers[0]: unknown element type 'fl oat'");
        assertBadFile(
                dir,
                "nested.json",
                "{\"layers\": [{" + ok + ",\"seconds\":[1]}]}",
                "nested.json: layers[0]: seconds must be a number or a string");
    }

    @Test
    void costModelsFindsItByName() throws URISyntaxException {
        String path = sample().toString();
        CostModel model = CostModels.create("table:" + path);
        assertInstanceOf(TableCostModel.class, model);
        assertEquals("table:" + path, model.name());
        assertTrue(model.layer(pointwise(64, 32)).measured());
        assertTrue(CostModels.providers(getClass().getClassLoader()).containsKey("table"));

        String e = assertBadInput(() -> CostModels.create("table"), "--cost-model table needs a file");
        assertTrue(e.contains("table:FILE.csv"), e);
    }

    private static void assertMeasured(CostModel model, Layer layer, double seconds) {
        Cost cost = model.layer(layer);
        assertEquals(seconds, cost.seconds(), 0, layer.key());
        assertTrue(cost.measured(), layer.key());
        assertEquals(layer.bytes(), cost.bytes(), layer.key());
    }

    private static void assertBadFile(Path dir, String name, String content, String expected) throws IOException {
        Path file = dir.resolve(name);
        if (content != null) {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        }
        String message = assertBadInput(() -> new TableCostModel.Provider().create(file.toString()), expected);
        assertTrue(message.startsWith(dir.toString()), "names the file: " + message);
    }

    /** Runs {@code run}, which must fail with a one-line bad-input error containing {@code expected}; its message. */
    private static String assertBadInput(Executable run, String expected) {
        YardException e = assertThrows(YardException.class, run);
        assertTrue(e.isBadInput(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }
}
