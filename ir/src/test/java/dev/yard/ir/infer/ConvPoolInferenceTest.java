package dev.yard.ir.infer;

import static dev.yard.ir.TestGraph.i;
import static dev.yard.ir.TestGraph.ints;
import static dev.yard.ir.TestGraph.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Attribute;
import dev.yard.ir.TestGraph;
import dev.yard.ir.verify.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conv, ConvTranspose and pooling shapes; expected sizes are worked out from ONNX's formulas. */
class ConvPoolInferenceTest {

    /** Builds X and W, runs one op, answers the type of its output Y. */
    static String run(String op, String x, String w, Attribute... attrs) {
        TestGraph g = new TestGraph();
        g.input("X", x);
        if (w != null) {
            g.input("W", w);
        }
        g.node(op, w == null ? "X" : "X,W", "Y", attrs);
        List<Problem> p = ShapeInference.infer(g.model(17));
        assertTrue(p.isEmpty(), p.toString());
        return g.value("Y").type().toString();
    }

    @Test
    void convStridedAndPaddedKeepsSymbolicBatch() {
        // (224 + 3 + 3 - 7) / 2 + 1 = 112
        assertEquals(
                "float[N,64,112,112]",
                run("Conv", "N,3,224,224", "64,3,7,7", ints("strides", 2, 2), ints("pads", 3, 3, 3, 3)));
    }

    @Test
    void convAsymmetricPads() {
        // ONNX's test_conv_with_strides_and_asymmetric_padding: H (7+1+1-3)/2+1 = 4, W (5-3)/2+1 = 2
        assertEquals(
                "float[1,1,4,2]", run("Conv", "1,1,7,5", "1,1,3,3", ints("strides", 2, 2), ints("pads", 1, 0, 1, 0)));
        // begin and end differ per axis: H 5+0+2-3+1 = 5, W 5+1+0-3+1 = 4
        assertEquals("float[1,1,5,4]", run("Conv", "1,1,5,5", "1,1,3,3", ints("pads", 0, 1, 2, 0)));
    }

    @Test
    void convDilationTwo() {
        // effective kernel (3-1)*2+1 = 5, so 10 - 5 + 1 = 6
        assertEquals("float[1,4,6,6]", run("Conv", "1,2,10,10", "4,2,3,3", ints("dilations", 2, 2)));
    }

    @Test
    void convGroups() {
        assertEquals("float[1,16,7,7]", run("Conv", "1,8,9,9", "16,2,3,3", i("group", 4)));
        TestGraph g = new TestGraph();
        g.input("X", "1,8,9,9");
        g.input("W", "16,4,3,3");
        g.node("Conv", "X,W", "Y", i("group", 4));
        List<Problem> p = ShapeInference.infer(g.model(17));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).where().startsWith("Conv"), p.toString());
    }

    @Test
    void convAutoPad() {
        assertEquals(
                "float[1,2,4,4]",
                run("Conv", "1,3,7,7", "2,3,3,3", s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)));
        assertEquals(
                "float[1,2,4,3]",
                run("Conv", "1,3,7,6", "2,3,3,3", s("auto_pad", "SAME_LOWER"), ints("strides", 2, 2)));
        assertEquals(
                "float[1,2,3,3]",
                run(
                        "Conv",
                        "1,3,7,7",
                        "2,3,3,3",
                        s("auto_pad", "VALID"),
                        ints("strides", 2, 2),
                        ints("pads", 5, 5, 5, 5)));
    }

    @Test
    void convSymbolicSpatialSurvivesOnlySizePreservingWindows() {
        assertEquals("float[N,16,H,W]", run("Conv", "N,3,H,W", "16,3,3,3", ints("pads", 1, 1, 1, 1)));
        assertEquals("float[N,16,?,?]", run("Conv", "N,3,H,W", "16,3,3,3"));
        assertEquals("float[N,16,?,W]", run("Conv", "N,3,H,W", "16,3,1,1", ints("strides", 2, 1)));
    }

    @Test
    void convKernelFromAttributeWhenWeightsUntyped() {
        TestGraph g = new TestGraph();
        g.input("X", "1,3,5,5");
        g.node("Conv", "X,W", "Y", ints("kernel_shape", 3, 3));
        ShapeInference.infer(g.model(11));
        assertEquals("float[1,?,3,3]", g.value("Y").type().toString());
    }

    @Test
    void conv1dAnd3d() {
        assertEquals("float[2,4,8]", run("Conv", "2,3,10", "4,3,3"));
        assertEquals("float[1,2,3,3,3]", run("Conv", "1,1,5,5,5", "2,1,3,3,3"));
    }

    @Test
    void convTranspose() {
        // ONNX test_convtranspose: 1x1x3x3 with 3x3 kernel, 2 output channels -> 5x5
        assertEquals("float[1,2,5,5]", run("ConvTranspose", "1,1,3,3", "1,2,3,3"));
        // test_convtranspose_pad: strides (3,2), output_padding (1,1): H 3*2+1+3 = 10, W 2*2+1+3 = 8
        assertEquals(
                "float[1,2,10,8]",
                run("ConvTranspose", "1,1,3,3", "1,2,3,3", ints("strides", 3, 2), ints("output_padding", 1, 1)));
        assertEquals(
                "float[1,2,10,8]",
                run("ConvTranspose", "1,1,3,3", "1,2,3,3", ints("strides", 3, 2), ints("output_shape", 10, 8)));
        assertEquals(
                "float[1,2,6,6]",
                run("ConvTranspose", "1,1,3,3", "1,2,3,3", ints("strides", 2, 2), s("auto_pad", "SAME_UPPER")));
        // pads shrink the output: (4-1)*1 + 3 - (1 + 2) = 3
        assertEquals("float[1,2,3,3]", run("ConvTranspose", "1,1,4,4", "1,2,3,3", ints("pads", 1, 1, 2, 2)));
        assertEquals("float[1,6,7,7]", run("ConvTranspose", "1,4,5,5", "4,3,3,3", i("group", 2)));
        // dilation 2: (3-1) + (3-1)*2 + 1 = 7
        assertEquals("float[1,1,7,7]", run("ConvTranspose", "1,1,3,3", "1,1,3,3", ints("dilations", 2, 2)));
    }

    @Test
    void pools() {
        // test_maxpool_2d_ceil: 4x4, k3, s2: ceil((4-3)/2)+1 = 2; floor gives 1
        assertEquals(
                "float[1,1,2,2]",
                run("MaxPool", "1,1,4,4", null, ints("kernel_shape", 3, 3), ints("strides", 2, 2), i("ceil_mode", 1)));
        assertEquals(
                "float[1,1,1,1]",
                run("AveragePool", "1,1,4,4", null, ints("kernel_shape", 3, 3), ints("strides", 2, 2)));
        // ceil would give 4, but the 4th window would start at 6 >= 5 + 1, inside the right padding
        assertEquals(
                "float[1,1,3,3]",
                run(
                        "MaxPool",
                        "1,1,5,5",
                        null,
                        ints("kernel_shape", 2, 2),
                        ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1),
                        i("ceil_mode", 1)));
        assertEquals(
                "float[1,1,2,2]", run("MaxPool", "1,1,4,4", null, ints("kernel_shape", 2, 2), ints("dilations", 2, 2)));
        assertEquals(
                "float[N,3,16,16]",
                run(
                        "MaxPool",
                        "N,3,32,32",
                        null,
                        ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2),
                        s("auto_pad", "SAME_LOWER")));
        assertEquals(
                "float[1,3,32,31]",
                run("AveragePool", "1,3,32,32", null, ints("kernel_shape", 3, 2), ints("pads", 1, 0, 1, 0)));
        assertEquals("float[1,3,29]", run("LpPool", "1,3,32", null, ints("kernel_shape", 4)));
        assertEquals("float[N,C,1,1]", run("GlobalAveragePool", "N,C,7,7", null));
        assertEquals("float[N,C,1,1,1]", run("GlobalMaxPool", "N,C,D,H,W", null));
    }

    @Test
    void maxPoolIndicesAreInt64() {
        TestGraph g = new TestGraph();
        g.input("X", "1,1,4,4");
        g.node("MaxPool", "X", "Y,I", ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        ShapeInference.infer(g.model(12));
        assertEquals("int64[1,1,2,2]", g.value("I").type().toString());
    }
}
