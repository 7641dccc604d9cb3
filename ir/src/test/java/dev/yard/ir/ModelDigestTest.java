package dev.yard.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.yard.ir.text.OnnxTextReader;
import org.junit.jupiter.api.Test;

class ModelDigestTest {
    private static final String TEXT = """
            <ir_version: 8, opset_import: ["" : 17]>
            g (float[1,2] x) => (float[1,2] y) <float[2,2] w = {1, 2, 3, 4}> {
              t = MatMul(x, w)
              y = Relu(t)
            }
            """;

    private static Model model(String text) {
        return OnnxTextReader.parse(text, "test");
    }

    @Test
    void followsWhatTheModelComputesNotHowItIsNamedOrWritten() {
        String d = ModelDigest.of(model(TEXT));
        assertEquals(64, d.length());
        assertEquals(d, ModelDigest.of(model(TEXT)), "same text");
        assertEquals(d, ModelDigest.of(model(TEXT).copy()), "a copy");
        Model renamed = model(TEXT);
        renamed.graph().nodes().get(0).setName("other");
        renamed.setDocString("a comment");
        assertEquals(d, ModelDigest.of(renamed), "node names and doc strings are not computation");

        assertNotEquals(d, ModelDigest.of(model(TEXT.replace("{1, 2, 3, 4}", "{1, 2, 3, 5}"))), "a weight");
        assertNotEquals(d, ModelDigest.of(model(TEXT.replace("Relu(t)", "Sigmoid(t)"))), "an op");
        assertNotEquals(d, ModelDigest.of(model(TEXT.replace("\"\" : 17", "\"\" : 18"))), "the opset");
        assertNotEquals(d, ModelDigest.of(model(TEXT.replace("float[1,2] x", "float[3,2] x"))), "an input's shape");
    }
}
