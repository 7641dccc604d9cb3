package dev.yard.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.YardException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compact printing for golden files, and the spelling of floats. */
class OnnxTextCompactTest {

    private static final String MODEL = """
            <
               ir_version: 8,
               opset_import: ["" : 17]
            >
            g (float[1,17] x) => (float[1,17] y)
               <float[1,17] big = {0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16}, float[2] small = {1,2}>
            {
               t = Add (x, big)
               y = Mul <k: tensor = int64[20] {0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19}> (t, small)
            }
            """;

    @Test
    void largeTensorsPrintAsDigestsAndReadBackAsPlaceholders() {
        Model m = OnnxTextReader.parse(MODEL, "m");
        Tensor big = m.graph().initializers().get(0).initializer();
        String compact = OnnxTextPrinter.print(m, OnnxTextPrinter.Options.COMPACT);
        assertTrue(compact.contains("float[1,17] big = sha256:" + big.digest() + ","), compact);
        assertTrue(compact.contains("float[2] small = {1,2}"), "small tensors keep their elements");
        assertTrue(compact.contains("k: tensor = int64[20] sha256:"), compact);

        Model back = OnnxTextReader.parse(compact, "golden", OnnxTextReader.Options.COMPACT);
        Value placeholder = back.graph().initializers().get(0);
        assertTrue(placeholder.initializer().isPlaceholder());
        assertTrue(placeholder.initializer().contentEquals(big), "a placeholder equals the tensor with its digest");
        assertThrows(
                IllegalStateException.class, () -> placeholder.initializer().toFloatArray());
        assertEquals(compact, OnnxTextPrinter.print(back, OnnxTextPrinter.Options.COMPACT));
        assertEquals(compact, OnnxTextPrinter.print(back), "placeholders print by digest in any mode");
    }

    @Test
    void digestsAreRejectedUnlessAllowed() {
        String compact = OnnxTextPrinter.print(OnnxTextReader.parse(MODEL, "m"), OnnxTextPrinter.Options.COMPACT);
        YardException e = assertThrows(YardException.class, () -> OnnxTextReader.parse(compact, "golden"));
        assertEquals(
                "golden:6:23: tensor contents given by digest are only accepted when reading compact text",
                e.getMessage());
    }

    /** Expected spellings are what C++'s std::to_chars (hence onnx.printer) writes. */
    @ParameterizedTest
    @CsvSource({
        "1.0, 1",
        "-2.5, -2.5",
        "0.1, 0.1",
        "0.001, 0.001",
        "0.0001, 1e-04",
        "1e-05, 1e-05",
        "16777216, 16777216",
        "1e38, 1e+38",
        "3.4028235e38, 3.4028235e+38",
        "1.4e-45, 1e-45",
        "0.33333334, 0.33333334",
        "123456.79, 123456.79",
        "1e10, 1e+10",
        "1.5e9, 1.5e+09",
    })
    void floatsPrintShortestAndReadBackExactly(float value, String expected) {
        assertEquals(expected, TextSyntax.formatFloat(value));
        assertEquals(
                Float.floatToRawIntBits(value), Float.floatToRawIntBits((float) TextSyntax.parseReal(expected, true)));
    }

    @Test
    void everyFloatExponentReadsBack() {
        for (int exp = 0; exp < 255; exp++) {
            for (int mant : new int[] {0, 1, 0x7fffff, 0x400000, 0x123457}) {
                float f = Float.intBitsToFloat((exp << 23) | mant);
                String s = TextSyntax.formatFloat(f);
                assertEquals(
                        Float.floatToRawIntBits(f), Float.floatToRawIntBits((float) TextSyntax.parseReal(s, true)), s);
            }
        }
        assertEquals("2e+23", TextSyntax.formatDouble(2e23), "Java 17's Double.toString gives 2.0000000000000002E23");
        assertEquals("5e-324", TextSyntax.formatDouble(Double.MIN_VALUE));
        assertEquals("-nan", TextSyntax.formatFloat(Float.intBitsToFloat(0xffc00000)));
        assertEquals("-inf", TextSyntax.formatDouble(Double.NEGATIVE_INFINITY));
    }
}
