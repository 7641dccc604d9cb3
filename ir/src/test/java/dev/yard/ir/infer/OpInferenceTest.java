package dev.yard.ir.infer;

import static dev.yard.ir.TestGraph.f;
import static dev.yard.ir.TestGraph.i;
import static dev.yard.ir.TestGraph.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Tensor;
import dev.yard.ir.TestGraph;
import dev.yard.ir.verify.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes of the non-windowed CNN ops; each expectation is worked out by hand from the ONNX spec. */
class OpInferenceTest {
    private final TestGraph g = new TestGraph();

    private String infer(long opset, String value) {
        List<Problem> p = ShapeInference.infer(g.model(opset));
        assertTrue(p.isEmpty(), p.toString());
        return String.valueOf(g.value(value).type());
    }

    private List<Problem> problems(long opset) {
        return ShapeInference.infer(g.model(opset));
    }

    @Test
    void gemmTransposes() {
        g.input("A", "3,5");
        g.input("B", "4,3");
        g.input("C", "4");
        g.node("Gemm", "A,B,C", "Y", i("transA", 1), i("transB", 1));
        assertEquals("float[5,4]", infer(13, "Y"));
    }

    @Test
    void matmulBatchedAndVectors() {
        g.input("A", "2,1,3,4");
        g.input("B", "5,4,6");
        g.input("v", "4");
        g.input("M", "3,4");
        g.input("T", "N,4,5");
        g.node("MatMul", "A,B", "AB");
        g.node("MatMul", "v,T", "vT");
        g.node("MatMul", "M,v", "Mv");
        g.node("MatMul", "v,v", "vv");
        infer(13, "AB");
        assertEquals("float[2,5,3,6]", g.value("AB").type().toString());
        assertEquals("float[N,5]", g.value("vT").type().toString());
        assertEquals("float[3]", g.value("Mv").type().toString());
        assertEquals("float[]", g.value("vv").type().toString());
    }

    @Test
    void matmulInnerMismatchNamesNode() {
        g.input("A", "3,4");
        g.input("B", "5,6");
        g.node("MatMul", "A,B", "Y");
        List<Problem> p = problems(13);
        assertEquals(1, p.size());
        assertTrue(p.get(0).where().contains("MatMul \"matmul0\""), p.toString());
    }

    @Test
    void broadcastingAndComparisons() {
        g.input("A", "N,3,1,5");
        g.input("B", "4,1");
        g.input("C", ElementType.BOOL, "4,5");
        g.node("Add", "A,B", "S");
        g.node("Less", "A,B", "L");
        g.node("Where", "C,A,B", "W");
        g.node("Sum", "A,B,B", "T");
        assertEquals("float[N,3,4,5]", infer(13, "S"));
        assertEquals("bool[N,3,4,5]", g.value("L").type().toString());
        assertEquals("float[N,3,4,5]", g.value("W").type().toString());
        assertEquals("float[N,3,4,5]", g.value("T").type().toString());
    }

    @Test
    void broadcastingMismatchIsAProblem() {
        g.input("A", "2,3");
        g.input("B", "4");
        g.node("Mul", "A,B", "Y");
        assertEquals(1, problems(13).size());
    }

    @Test
    void unaryActivationsAndPReluAndDropout() {
        g.input("X", "N,8,4,4");
        g.input("slope", "8,1,1");
        g.node("LeakyRelu", "X", "a", f("alpha", 0.1f));
        g.node("HardSwish", "a", "b");
        g.node("PRelu", "b,slope", "c");
        g.node("Dropout", "c", "d,mask");
        assertEquals("float[N,8,4,4]", infer(13, "d"));
        assertEquals("bool[N,8,4,4]", g.value("mask").type().toString());
    }

    @Test
    void batchNormalizationKeepsShape() {
        g.input("X", "N,16,H,W");
        for (String s : new String[] {"s", "b", "m", "v"}) {
            g.input(s, "16");
        }
        g.node("BatchNormalization", "X,s,b,m,v", "Y");
        assertEquals("float[N,16,H,W]", infer(15, "Y"));
    }

    @Test
    void concatNegativeAxis() {
        g.input("A", "2,3");
        g.input("B", "2,N");
        g.input("C", "?,4");
        g.node("Concat", "A,C", "AC", i("axis", -1));
        g.node("Concat", "A,B", "AB", i("axis", 1));
        assertEquals("float[2,7]", infer(13, "AC"));
        assertEquals("float[2,?]", g.value("AB").type().toString());
    }

    @Test
    void reshapeWithZeroAndMinusOne() {
        g.input("X", "N,3,4");
        g.constInts("s1", 0, -1);
        g.constInts("s2", 2, 0, -1);
        g.node("Reshape", "X,s1", "a");
        g.node("Constant", "", "s3", Attribute.of("value", Tensor.ofLongs(new long[] {3}, 0, 0, 0)));
        g.node("Reshape", "a,s3", "zeros", i("allowzero", 1));
        g.node("Reshape", "X,s2", "b");
        assertEquals("float[N,12]", infer(14, "a"));
        assertEquals("float[0,0,0]", g.value("zeros").type().toString());
        // the -1 stands for N*3*4/(2*3): not knowable with N symbolic
        assertEquals("float[2,3,?]", g.value("b").type().toString());
    }

    @Test
    void reshapeStaticMinusOne() {
        g.input("X", "2,3,4");
        g.node("Constant", "", "s", Attribute.of("value_ints", new long[] {-1, 6}));
        g.node("Reshape", "X,s", "Y");
        assertEquals("float[4,6]", infer(14, "Y"));
    }

    @Test
    void reshapeShapeFromOverridableInitializerIsNotTrusted() {
        g.input("X", "2,3,4");
        var s = g.constInts("s", 4, 6);
        g.graph().inputs().add(s); // a graph input with a default: the caller may feed another shape
        g.node("Reshape", "X,s", "Y");
        assertEquals("float[?,?]", infer(14, "Y"));
    }

    @Test
    void flattenAndTranspose() {
        g.input("X", "N,3,4,5");
        g.node("Flatten", "X", "f1");
        g.node("Flatten", "X", "f2", i("axis", -2));
        g.node("Flatten", "X", "f0", i("axis", 0));
        g.node("Transpose", "X", "t", ints("perm", 0, 2, 3, 1));
        g.node("Transpose", "X", "r");
        assertEquals("float[N,60]", infer(13, "f1"));
        assertEquals("float[?,20]", g.value("f2").type().toString());
        assertEquals("float[1,?]", g.value("f0").type().toString());
        assertEquals("float[N,4,5,3]", g.value("t").type().toString());
        assertEquals("float[5,4,3,N]", g.value("r").type().toString());
    }

    @Test
    void resizeFromScalesOrSizes() {
        g.input("X", "1,3,4,5");
        g.init("scales", Tensor.ofFloats(new long[] {4}, 1, 1, 2, 1.5f));
        g.constInts("sizes", 1, 3, 9, 10);
        g.node("Resize", "X,,scales", "up", Attribute.of("mode", "nearest"));
        g.node("Resize", "X,,,sizes", "sized");
        assertEquals("float[1,3,8,7]", infer(13, "up"));
        assertEquals("float[1,3,9,10]", g.value("sized").type().toString());
    }

    @Test
    void sliceClampsAndNegativeSteps() {
        g.input("X", "10,20,N");
        g.constInts("starts", 1, -5, 0);
        g.constInts("ends", 1000, -1, Long.MAX_VALUE);
        g.constInts("axes", 0, -2, 2);
        g.constInts("rs", -1);
        g.constInts("re", Long.MIN_VALUE);
        g.constInts("ra", 1);
        g.constInts("st", -2);
        g.node("Slice", "X,starts,ends,axes", "a");
        g.node("Slice", "X,rs,re,ra,st", "b");
        assertEquals("float[9,4,N]", infer(13, "a"));
        // from 19 down to 0 by 2: 10 elements
        assertEquals("float[10,10,N]", g.value("b").type().toString());
    }

    @Test
    void constantsWithoutNumericElementsAreNotRead() {
        // A Slice whose starts are complex numbers or 8-bit floats: not integers the rule can
        // use, so the output's extents stay unknown (the verifier reports the type) instead of
        // inference failing on reading them.
        g.input("X", "10,20");
        g.init("cs", Tensor.ofRaw(ElementType.COMPLEX64, new long[] {1}, java.nio.ByteBuffer.allocate(8)));
        g.init("f8", Tensor.ofRaw(ElementType.FLOAT8E4M3FN, new long[] {1}, java.nio.ByteBuffer.allocate(1)));
        g.constInts("ends", 5);
        g.constInts("axes", 0);
        g.node("Slice", "X,cs,ends,axes", "a");
        g.node("Mul", "f8,f8", "m");
        ShapeInference.infer(g.model(13));
        assertEquals("float[?,?]", g.value("a").type().toString());
    }

    @Test
    void shapeStartEndAndCastAndConstant() {
        g.input("X", "N,3,4");
        g.node("Shape", "X", "all");
        g.node("Shape", "X", "tail", i("start", -1));
        g.node("Cast", "all", "d", i("to", ElementType.DOUBLE.code()));
        g.node("Constant", "", "k", Attribute.of("value_float", 1.5f));
        g.node("Constant", "", "ks", Attribute.of("value_ints", new long[] {1, 2, 3}));
        assertEquals("int64[3]", infer(15, "all"));
        assertEquals("int64[1]", g.value("tail").type().toString());
        assertEquals("double[3]", g.value("d").type().toString());
        assertEquals("float[]", g.value("k").type().toString());
        assertEquals("int64[3]", g.value("ks").type().toString());
    }

    @Test
    void squeezeUnsqueezeAcrossOpsetThirteen() {
        g.input("X", "1,3,1,5");
        g.node("Squeeze", "X", "a", ints("axes", 0));
        assertEquals("float[3,1,5]", infer(11, "a"));

        TestGraph h = new TestGraph();
        h.input("X", "1,3,1,5");
        h.constInts("ax", -2);
        h.constInts("ux", 0, -1);
        h.node("Squeeze", "X,ax", "a");
        h.node("Unsqueeze", "a,ux", "b");
        h.node("Squeeze", "X", "c");
        assertTrue(ShapeInference.infer(h.model(13)).isEmpty());
        assertEquals("float[1,3,5]", h.value("a").type().toString());
        assertEquals("float[1,1,3,5,1]", h.value("b").type().toString());
        assertEquals("float[3,5]", h.value("c").type().toString());
    }

    @Test
    void squeezeWithoutAxesOnSymbolicDimsLeavesRankUnknown() {
        g.input("X", "1,N,5");
        g.node("Squeeze", "X", "a");
        infer(13, "a");
        assertNull(g.value("a").shape());
    }

    @Test
    void gatherAndReductions() {
        g.input("X", "5,4,3");
        g.input("idx", ElementType.INT64, "2,6");
        g.input("Y", "N,C,H,W");
        g.constInts("last", -1);
        g.node("Gather", "X,idx", "gat", i("axis", 1));
        g.node("ReduceMean", "Y", "gap", ints("axes", 2, 3));
        g.node("ReduceSum", "Y,last", "rs", i("keepdims", 0));
        g.node("ArgMax", "Y", "am", i("axis", 1), i("keepdims", 0));
        assertEquals("float[5,2,6,3]", infer(13, "gat"));
        assertEquals("float[N,C,1,1]", g.value("gap").type().toString());
        assertEquals("float[N,C,H]", g.value("rs").type().toString());
        assertEquals("int64[N,H,W]", g.value("am").type().toString());
    }

    @Test
    void reduceMeanTakesAxesInputFromEighteen() {
        g.input("Y", "N,C,H,W");
        g.constInts("axes", -1, -2);
        g.node("ReduceMean", "Y,axes", "gap");
        assertEquals("float[N,C,1,1]", infer(18, "gap"));
    }

    @Test
    void splitEvenGivenAndUneven() {
        g.input("X", "6,4");
        g.input("Z", "10");
        g.constInts("parts", 1, 5);
        g.node("Split", "X", "a,b,c");
        g.node("Split", "X,parts", "p,q");
        assertEquals("float[2,4]", infer(13, "a"));
        assertEquals("float[5,4]", g.value("q").type().toString());

        TestGraph h = new TestGraph();
        h.input("Z", "10");
        h.node("Split", "Z", "a,b,c,d", i("num_outputs", 4));
        assertTrue(ShapeInference.infer(h.model(18)).isEmpty());
        assertEquals("float[3]", h.value("a").type().toString());
        assertEquals("float[1]", h.value("d").type().toString());
    }

    @Test
    void padExpandTileTopK() {
        g.input("X", "1,3,4,4");
        g.input("V", "3,1");
        g.input("T", "2,N");
        g.constInts("pads", 0, 0, 1, 1, 0, 0, 2, 2);
        g.constInts("shape", 2, 1, 6);
        g.constInts("reps", 3, 1);
        g.constInts("k", 2);
        g.node("Pad", "X,pads", "p");
        g.node("Expand", "V,shape", "e");
        g.node("Tile", "T,reps", "t");
        g.node("TopK", "X,k", "vals,idx", i("axis", 1));
        assertEquals("float[1,3,7,7]", infer(13, "p"));
        assertEquals("float[2,3,6]", g.value("e").type().toString());
        assertEquals("float[6,N]", g.value("t").type().toString());
        assertEquals("int64[1,2,4,4]", g.value("idx").type().toString());
    }

    @Test
    void declaredTypesAreRefinedButConflictsReported() {
        g.input("X", "N,3,32,32");
        g.input("W", "8,3,3,3");
        g.node("Conv", "X,W", "refined");
        g.node("Conv", "X,W", "clash");
        g.node("Conv", "X,W", "pinned");
        g.value("refined").setType(TestGraph.type(ElementType.FLOAT, "?,8,?,30"));
        g.value("clash").setType(TestGraph.type(ElementType.FLOAT, "N,8,31,31"));
        g.value("pinned").setType(TestGraph.type(ElementType.FLOAT, "1,8,30,30"));
        List<Problem> p = problems(13);
        assertEquals("float[N,8,30,30]", g.value("refined").type().toString());
        assertEquals("float[N,8,31,31]", g.value("clash").type().toString(), "declared type is kept");
        assertEquals("float[1,8,30,30]", g.value("pinned").type().toString(), "a known 1 beats the symbol N");
        assertEquals(1, p.size(), p.toString());
        assertTrue(
                p.get(0).where().equals("Conv \"conv1\"") && p.get(0).message().contains("31"), p.toString());
    }

    @Test
    void unknownOpsKeepDeclaredTypes() {
        g.input("X", "1,3");
        g.node("FancyOp", "X", "a");
        var custom = g.node("Relu", "a", "b");
        g.value("a").setType(TestGraph.type(ElementType.FLOAT, "1,7"));
        assertEquals("float[1,7]", infer(13, "b"));
        assertEquals("float[1,7]", g.value("a").type().toString());
        assertEquals("Relu", custom.opType());
    }

    @Test
    void ifBranchesJoin() {
        TestGraph then = new TestGraph(new dev.yard.ir.Graph("then"));
        TestGraph other = new TestGraph(new dev.yard.ir.Graph("else"));
        g.input("cond", ElementType.BOOL, "");
        g.input("X", "N,4,8");
        then.graph().nodes();
        // Branches read X from the enclosing graph.
        then.graph()
                .nodes()
                .add(new dev.yard.ir.Node(
                        "t", "", "Relu", List.of(g.value("X")), List.of(new dev.yard.ir.Value("ty", null))));
        then.graph().outputs().add(then.graph().nodes().get(0).output(0));
        g.constInts("axes", 1);
        other.graph()
                .nodes()
                .add(new dev.yard.ir.Node(
                        "e",
                        "",
                        "ReduceSum",
                        List.of(g.value("X"), g.value("axes")),
                        List.of(new dev.yard.ir.Value("ey", null))));
        other.graph().outputs().add(other.graph().nodes().get(0).output(0));
        g.node(
                "If",
                "cond",
                "y",
                Attribute.of("then_branch", then.graph()),
                Attribute.of("else_branch", other.graph()));
        assertEquals("float[N,?,8]", infer(13, "y"));
        assertEquals("float[N,1,8]", other.graph().outputs().get(0).type().toString());
    }
}
