package dev.yard.backend.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.yard.ir.ElementType;
import dev.yard.ir.YardException;
import dev.yard.passes.cost.Cost;
import dev.yard.passes.cost.CostModel;
import dev.yard.passes.cost.CostModels;
import dev.yard.passes.cost.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analytic roofline: built-in targets load, alignment and overhead change which chain wins, bad files are bad input. */
class AnalyticCostModelTest {
    private static final ElementType F32 = ElementType.FLOAT;

    @Test
    void everyBuiltInTargetLoadsAndPricesAConv() throws IOException, URISyntaxException {
        Layer conv = conv(64, 64, 56, 3, 1);
        for (String name : TargetDescription.builtInNames()) {
            CostModel model = new AnalyticCostModel.Provider().create(name);
            Cost cost = model.layer(conv);
            TargetDescription t = ((AnalyticCostModel) model).target();
            assertEquals("analytic:" + name, model.name());
            assertTrue(
                    cost.seconds() > t.perOperatorOverheadSeconds() && cost.seconds() < 1,
                    name + ": " + cost.describe());
            assertFalse(cost.measured());
            assertEquals(conv.bytes(), cost.bytes());
        }
        // The hand-kept list of built-in names is exactly the files in the folder.
        Path folder = Path.of(getClass()
                .getClassLoader()
                .getResource(TargetDescription.RESOURCES)
                .toURI());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(
                    TargetDescription.builtInNames(),
                    files.map(p -> p.getFileName().toString().replaceFirst("\\.json$", ""))
                            .sorted()
                            .toList());
        }
    }

    @Test
    void noArgumentMeansAvx2() {
        assertEquals(
                "analytic:" + AnalyticCostModel.DEFAULT_TARGET,
                new AnalyticCostModel.Provider().create("").name());
    }

    @Test
    void alignedRanksWinOnASixteenWideCube() {
        CostModel ascend = new AnalyticCostModel.Provider().create("ascend-310");
        // Tucker-2 chains replacing a 3x3 conv 64->64 on a 56x56 map.
        List<Layer> r15 = tucker2(15), r16 = tucker2(16), r17 = tucker2(17);
        double c15 = ascend.chain(r15).seconds(),
                c16 = ascend.chain(r16).seconds(),
                c17 = ascend.chain(r17).seconds();

        assertTrue(macs(r17) < 1.1 * macs(r16), "rank 17 has under 10% more MACs");
        assertTrue(c17 > 1.3 * c16, "rank 17 pads to 32: " + c17 + " vs " + c16);

        assertTrue(macs(r15) < macs(r16), "rank 15 has fewer MACs");
        assertTrue(c15 >= c16, "rank 15 pads to 16 and is not cheaper: " + c15 + " vs " + c16);
        // The same holds for the middle conv alone.
        assertTrue(ascend.layer(conv(15, 15, 56, 3, 1)).seconds()
                >= ascend.layer(conv(16, 16, 56, 3, 1)).seconds());
    }

    @Test
    void perOperatorOverheadMakesATinyChainDearerThanItsDenseConv() {
        CostModel avx2 = new AnalyticCostModel.Provider().create("x86-64-avx2");
        // LeNet's second conv, 6->16 5x5 on 12x12, and a Tucker-2 chain of rank 3 for it.
        Layer dense = conv(6, 16, 12, 5, 0);
        List<Layer> chain = List.of(
                Layer.Conv.pointwise(F32, 1, 6, 3, 12, 12),
                conv(3, 3, 12, 5, 0),
                Layer.Conv.pointwise(F32, 1, 3, 16, 8, 8));
        assertTrue(macs(chain) < dense.macs() / 5, "the chain has far fewer MACs");
        assertTrue(
                avx2.chain(chain).seconds() > avx2.layer(dense).seconds(),
                avx2.chain(chain).describe() + " vs " + avx2.layer(dense).describe());
    }

    @Test
    void halfPrecisionUsesTheFloat16TableOnlyWhereThereIsOne() {
        Layer f16 = new Layer.Conv(
                ElementType.FLOAT16, 1, 64, 64, 56, 56, 3, 3, 1, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {
                    1, 1
                });
        AnalyticCostModel t4 = (AnalyticCostModel) new AnalyticCostModel.Provider().create("nvidia-t4");
        AnalyticCostModel avx2 = (AnalyticCostModel) new AnalyticCostModel.Provider().create("x86-64-avx2");
        assertEquals("float16", t4.rateType(f16.type()));
        assertEquals("float32", avx2.rateType(f16.type()));
        assertTrue(t4.layer(f16).seconds() < t4.layer(conv(64, 64, 56, 3, 1)).seconds());
        YardException e = assertThrows(YardException.class, () -> avx2.rateType(ElementType.DOUBLE));
        assertTrue(e.isBadInput());
    }

    @Test
    void badFilesAreBadInputNamingTheFile(@TempDir Path dir) throws IOException {
        assertBadInput(write(dir, "broken.json", "{ \"name\": "), "broken.json: not JSON");
        assertBadInput(write(dir, "array.json", "[1, 2]"), "array.json: not a JSON object");
        assertBadInput(
                edited(dir, "no-bandwidth.json", j -> j.remove("memory_bandwidth_bytes_per_second")),
                "no-bandwidth.json: memory_bandwidth_bytes_per_second is missing");
        assertBadInput(
                edited(dir, "negative.json", j -> j.addProperty("memory_bandwidth_bytes_per_second", -1)),
                "negative.json: memory_bandwidth_bytes_per_second must be positive");
        assertBadInput(
                edited(
                        dir,
                        "kind.json",
                        j -> j.getAsJsonObject("macs_per_second")
                                .getAsJsonObject("float32")
                                .addProperty("winograd", 1e9)),
                "kind.json: unknown kernel kind 'macs_per_second.float32.winograd'");
        assertBadInput(
                edited(
                        dir,
                        "type.json",
                        j -> j.getAsJsonObject("macs_per_second")
                                .add(
                                        "float64",
                                        j.getAsJsonObject("macs_per_second").get("float32"))),
                "type.json: unknown element type");
        assertBadInput(
                edited(dir, "unsourced.json", j -> j.getAsJsonObject("sources").remove("channel_alignment")),
                "unsourced.json: sources.channel_alignment is missing");
        assertBadInput(
                edited(dir, "fraction.json", j -> j.addProperty("channel_alignment", 2.5)),
                "fraction.json: channel_alignment must be a whole number");
        assertBadInput(dir.resolve("absent.json").toString(), "absent.json: no such file");

        YardException unknown =
                assertThrows(YardException.class, () -> new AnalyticCostModel.Provider().create("no-such-target"));
        assertTrue(unknown.isBadInput());
        assertTrue(
                unknown.getMessage()
                        .startsWith(TargetDescription.RESOURCES + "no-such-target.json: no built-in target"),
                unknown.getMessage());
    }

    @Test
    void aFileGivenByPathIsUsed(@TempDir Path dir) throws IOException {
        String file = edited(dir, "mine.json", j -> j.addProperty("name", "my-box"));
        assertEquals(
                "analytic:my-box", new AnalyticCostModel.Provider().create(file).name());
    }

    @Test
    void serviceLoaderFindsIt() {
        CostModel model = CostModels.create("analytic:ascend-310");
        assertTrue(model instanceof AnalyticCostModel);
        assertEquals("analytic:ascend-310", model.name());
    }

    private static void assertBadInput(String file, String expected) {
        YardException e = assertThrows(YardException.class, () -> new AnalyticCostModel.Provider().create(file));
        assertTrue(e.isBadInput(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    /** The avx2 target's file with one edit, written to {@code dir/name}. */
    private static String edited(Path dir, String name, Consumer<JsonObject> edit) throws IOException {
        String resource = TargetDescription.RESOURCES + "x86-64-avx2.json";
        try (InputStream in = AnalyticCostModelTest.class.getClassLoader().getResourceAsStream(resource)) {
            JsonObject json = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            edit.accept(json);
            return write(dir, name, json.toString());
        }
    }

    private static String write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    /** A square k x k float32 conv at batch 1 with stride 1 and the given padding on every side. */
    private static Layer.Conv conv(int in, int out, int size, int k, int pad) {
        return new Layer.Conv(
                F32, 1, in, out, size, size, k, k, 1, new int[] {1, 1}, new int[] {pad, pad, pad, pad}, new int[] {1, 1
                });
    }

    private static List<Layer> tucker2(int rank) {
        return List.of(
                Layer.Conv.pointwise(F32, 1, 64, rank, 56, 56),
                conv(rank, rank, 56, 3, 1),
                Layer.Conv.pointwise(F32, 1, rank, 64, 56, 56));
    }

    private static long macs(List<Layer> layers) {
        return layers.stream().mapToLong(Layer::macs).sum();
    }
}
