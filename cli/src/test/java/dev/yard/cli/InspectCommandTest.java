package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;

    private JsonObject inspect(String text, String... extra) throws Exception {
        Path m = Files.writeString(dir.resolve("m" + System.nanoTime() + ".onnxtxt"), text);
        String[] args = new String[extra.length + 3];
        args[0] = "inspect";
        args[1] = m.toString();
        args[2] = "--json";
        System.arraycopy(extra, 0, args, 3, extra.length);
        BadInputTest.Outcome o = BadInputTest.yard(args);
        assertEquals(0, o.exit(), o.err());
        return JsonParser.parseString(o.out()).getAsJsonObject();
    }

    private static String layer(JsonObject j, String key) {
        return j.getAsJsonArray("layers").get(0).getAsJsonObject().get(key).getAsString();
    }

    @Test
    void weightsInConstantNodesAreCounted() throws Exception {
        // 4 x 2 x 3 x 3 = 72 floats kept in a Constant node, as some exporters write them.
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < 72; i++) {
            w.append(i == 0 ? "" : ", ").append(i % 7);
        }
        JsonObject j = inspect("""
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[1,2,5,5] x) => (float[1,4,3,3] y) {
                   w = Constant <value = float[4,2,3,3] {%s}> ()
                   y = Conv (x, w)
                }
                """.formatted(w));
        assertEquals(72 * 4, j.getAsJsonObject("total").get("weight_bytes").getAsLong(), j.toString());
        assertEquals("72", layer(j, "params"));
        assertEquals(String.valueOf(4L * 9 * 2 * 9), layer(j, "macs"));
    }

    @Test
    void integerConvsAndDynamicInputsGetMacs() throws Exception {
        String text = """
                <ir_version: 8, opset_import: ["" : 17]>
                g (uint8[N,2,H,W] x, uint8[4,2,3,3] w) => (int32[N,4,?,?] y) {
                   y = ConvInteger (x, w)
                }
                """;
        // Unknown H and W: MACs unknown until the shape is given.
        JsonObject unknown = inspect(text);
        var macs = unknown.getAsJsonArray("layers").get(0).getAsJsonObject().get("macs");
        assertTrue(macs == null || macs.isJsonNull(), unknown.toString());
        JsonObject known = inspect(text, "--input-shape", "x=1,2,10,10");
        assertEquals(String.valueOf(4L * 8 * 8 * 2 * 9), layer(known, "macs"), known.toString());
    }
}
