package dev.yard.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.text.OnnxTextReader;
import org.junit.jupiter.api.Test;

class ConvGeometryTest {

    /** The conv of a one-node model reading x of {@code input} and 4x3x3x3 weights, with {@code attributes}. */
    private static Outcome<ConvGeometry> geometry(String input, String attributes) {
        Model m = OnnxTextReader.parse(
                "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                        + "g (float" + input + " x, float[4,3,3,3] w) => (float y) {\n"
                        + "   y = Conv <" + attributes + "> (x, w)\n}\n",
                "geometry");
        ShapeInference.infer(m);
        return ConvGeometry.of(m.graph().nodes().get(0));
    }

    @Test
    void samePaddingPutsTheOddPadWhereItsModeSays() {
        // 7 rows at stride 2: 4 out, 2 rows of padding; 8 columns: 4 out, 1 column, at the end for UPPER.
        ConvGeometry upper = geometry("[1,3,7,8]", "auto_pad = \"SAME_UPPER\", strides = [2,2]")
                .value();
        assertArrayEquals(new int[] {1, 0, 1, 1}, upper.pads());
        ConvGeometry lower = geometry("[1,3,7,8]", "auto_pad = \"SAME_LOWER\", strides = [2,2]")
                .value();
        assertArrayEquals(new int[] {1, 1, 1, 0}, lower.pads());
        assertArrayEquals(new long[] {4, 4}, upper.outputSize(7, 8));
        // With dilation 2 the 3x3 window spans 5: 4 rows and columns of padding at stride 1.
        ConvGeometry dilated = geometry("[1,3,6,6]", "auto_pad = \"SAME_UPPER\", dilations = [2,2]")
                .value();
        assertArrayEquals(new int[] {2, 2, 2, 2}, dilated.pads());
        assertArrayEquals(new long[] {6, 6}, dilated.outputSize(6, 6));
    }

    @Test
    void defaultsAndValidFillTheGaps() {
        ConvGeometry plain = geometry("[1,3,5,5]", "group = 1").value();
        assertArrayEquals(new int[] {1, 1}, plain.strides());
        assertArrayEquals(new int[] {1, 1}, plain.dilations());
        assertEquals(false, plain.hasPadding());
        assertEquals(3, plain.kh());
        assertArrayEquals(new long[] {3, 3}, plain.outputSize(5, 5));
        ConvGeometry valid = geometry("[1,3,5,5]", "auto_pad = \"VALID\"").value();
        assertArrayEquals(new int[4], valid.pads());
        assertArrayEquals(new long[] {0, 0}, plain.outputSize(2, 2), "a window larger than the input fits nowhere");
    }

    @Test
    void saysWhyAGeometryCannotBeKnown() {
        assertTrue(
                geometry("[1,3,H,W]", "auto_pad = \"SAME_UPPER\"").whyNot().contains("height and width are not known"));
        assertTrue(geometry("[1,3,5,5]", "pads = [1,1]").whyNot().contains("wrong number of entries"));
        assertTrue(geometry("[1,3,5,5]", "pads = [1,1,-1,1]").whyNot().contains("must not be negative"));
        assertTrue(geometry("[1,3,5,5]", "kernel_shape = [5,5]").whyNot().contains("kernel_shape does not match"));
        assertTrue(
                geometry("[1,3,5,5]", "group = 3").whyNot().contains("group 3 does not divide the 4 output channels"));
        // Without padding the input size does not matter.
        assertTrue(geometry("[1,3,H,W]", "strides = [2,2]").ok());
    }
}
