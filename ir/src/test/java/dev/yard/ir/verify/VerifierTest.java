package dev.yard.ir.verify;

import static dev.yard.ir.TestGraph.f;
import static dev.yard.ir.TestGraph.i;
import static dev.yard.ir.TestGraph.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Attribute;
import dev.yard.ir.ElementType;
import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Tensor;
import dev.yard.ir.TestGraph;
import dev.yard.ir.Value;
import dev.yard.ir.YardException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier accepts sound graphs and names the node and the fault in unsound ones. */
class VerifierTest {
    private final TestGraph g = new TestGraph();

    /** The only problem found, checked to be about {@code where} and to mention {@code words}. */
    private Problem only(long opset, String where, String words) {
        List<Problem> p = Verifier.check(g.model(opset));
        assertEquals(1, p.size(), p.toString());
        assertEquals(where, p.get(0).where(), p.toString());
        assertTrue(p.get(0).message().contains(words), p.get(0).toString());
        return p.get(0);
    }

    private void convNet() {
        g.input("X", "N,3,8,8");
        g.weights("W", 4, 3, 3, 3);
        g.weights("B", 4);
        g.node("Conv", "X,W,B", "c", ints("pads", 1, 1, 1, 1));
        g.node("Relu", "c", "r");
        g.node("MaxPool", "r", "p", ints("kernel_shape", 2, 2));
        g.output("p");
    }

    @Test
    void soundGraphPasses() {
        convNet();
        assertEquals(List.of(), Verifier.check(g.model(17)));
        Verifier.verify(g.model(17));
    }

    @Test
    void windowsThatWouldCrashAKernelAreRefused() {
        String[][] cases = {
            {"strides", "0", "strides [0, 0] must all lie in 1..536870911"},
            {"pads", "-2", "pads [-2, -2, -2, -2] must all lie in 0..536870911"},
            {"dilations", "0", "dilations [0, 0] must all lie in 1..536870911"},
            // Sizes that overflowed 32-bit window arithmetic in costs and passes.
            {"strides", "4611686018427387904", "strides [4611686018427387904, 4611686018427387904] must all lie in"},
            {"pads", "1099511627776", "must all lie in 0..536870911"},
            {"dilations", "2147483648", "must all lie in 1..536870911"},
        };
        for (String[] c : cases) {
            TestGraph t = new TestGraph();
            t.input("X", "1,3,8,8");
            t.weights("W", 4, 3, 3, 3);
            long v = Long.parseLong(c[1]);
            Attribute a = c[0].equals("pads") ? ints("pads", v, v, v, v) : ints(c[0], v, v);
            t.node("Conv", "X,W", "c", a);
            t.output("c");
            List<Problem> p = Verifier.check(t.model(17));
            assertTrue(p.stream().anyMatch(q -> q.message().contains(c[2])), c[0] + ": " + p);
        }
        TestGraph t = new TestGraph();
        t.input("X", "1,3,8,8");
        t.weights("W", 4, 3, 3, 3);
        t.node("Conv", "X,W", "c", i("group", 0));
        t.output("c");
        assertTrue(
                Verifier.check(t.model(17)).stream().anyMatch(q -> q.message().contains("group 0 must be at least 1")));
    }

    @Test
    void functionsThatCallThemselvesAreRefused() {
        // F calls G, G calls F: ONNX Runtime recursed into a segmentation fault on such a model.
        Model m = g.model(17);
        for (String[] fg : new String[][] {{"F", "G"}, {"G", "F"}}) {
            Graph body = new Graph(fg[0]);
            Value a = new Value("a", null);
            Value b = new Value("b", null);
            body.inputs().add(a);
            body.nodes().add(new Node("call", "local", fg[1], List.of(a), List.of(b)));
            body.outputs().add(b);
            m.functions().add(new Function("local", fg[0], "", body));
        }
        List<Problem> p = Verifier.check(m);
        assertTrue(
                p.stream()
                        .anyMatch(q -> q.where().equals("function local.F")
                                && q.message().contains("calls itself (local.F -> local.G -> local.F)")),
                p.toString());
    }

    @Test
    void cycleIsToldApart() {
        g.input("X", "2");
        g.node("Add", "X,y2", "y1");
        g.node("Relu", "y1", "y2");
        g.output("y2");
        only(17, "Add \"add0\"", "cycle");
    }

    @Test
    void misorderedButAcyclicIsNotACycle() {
        g.input("X", "2");
        g.node("Relu", "y2", "y1");
        g.node("Relu", "X", "y2");
        g.output("y1");
        Problem p = only(17, "Relu \"relu0\"", "topological");
        assertTrue(p.message().contains("relu1"), p.toString());
    }

    @Test
    void undefinedUse() {
        g.input("X", "2");
        g.node("Add", "X,nowhere", "y");
        g.output("y");
        only(17, "Add \"add0\"", "nowhere is not defined");
    }

    @Test
    void duplicateDefinition() {
        g.input("X", "2");
        g.node("Relu", "X", "y");
        Node second = g.node("Sigmoid", "X", "z");
        // A second node writing a value named like the first one's output.
        g.graph().nodes().remove(second);
        g.graph().nodes().add(new Node("dup", "", "Sigmoid", List.of(g.value("X")), List.of(new Value("y", null))));
        g.output("y");
        List<Problem> p = Verifier.check(g.model(17));
        assertTrue(
                p.stream()
                        .anyMatch(x -> x.where().equals("Sigmoid \"dup\"")
                                && x.message().contains("already defined by Relu \"relu0\"")),
                p.toString());
    }

    @Test
    void graphInputRedefinedByNode() {
        g.input("X", "2");
        g.graph().nodes().add(new Node("n", "", "Relu", List.of(g.value("X")), List.of(new Value("X", null))));
        only(17, "Relu \"n\"", "already defined as a graph input");
    }

    @Test
    void undefinedGraphOutput() {
        g.input("X", "2");
        g.node("Relu", "X", "y");
        g.graph().outputs().add(new Value("ghost", null));
        only(17, "graph test", "ghost is not defined");
    }

    @Test
    void missingRequiredAttributes() {
        g.input("X", "1,3,4,4");
        g.node("Concat", "X,X", "c");
        only(17, "Concat \"concat0\"", "'axis' is missing");
    }

    @Test
    void castNeedsTo() {
        g.input("X", "2");
        g.node("Cast", "X", "c");
        only(17, "Cast \"cast0\"", "'to' is missing");
    }

    @Test
    void poolNeedsKernelShape() {
        g.input("X", "1,3,4,4");
        g.node("AveragePool", "X", "c");
        only(17, "AveragePool \"averagepool0\"", "'kernel_shape'");
    }

    @Test
    void attributeOfWrongKind() {
        g.input("X", "1,3,4,4");
        g.node("Concat", "X,X", "c", f("axis", 1f));
        only(17, "Concat \"concat0\"", "'axis' must be int, not float");
    }

    @Test
    void constantNeedsExactlyOneValue() {
        g.node("Constant", "", "k", Attribute.of("value_float", 1f), Attribute.of("value_int", 1L));
        only(17, "Constant \"constant0\"", "exactly one");
    }

    @Test
    void transposePermMustMatchRank() {
        g.input("X", "1,3,4");
        g.node("Transpose", "X", "t", ints("perm", 1, 0));
        only(17, "Transpose \"transpose0\"", "rank 3");
    }

    @Test
    void badArity() {
        g.input("X", "1,3,4,4");
        g.input("s", "3");
        g.node("Conv", "X", "c");
        g.node("BatchNormalization", "X,s,s,s", "b");
        g.node("Relu", "X,X", "r");
        List<Problem> p = Verifier.check(g.model(17));
        assertEquals(3, p.size(), p.toString());
        assertTrue(
                p.get(0).where().equals("Conv \"conv0\"") && p.get(0).message().contains("2 to 3"), p.toString());
        assertTrue(p.get(1).where().startsWith("BatchNormalization")
                && p.get(1).message().contains("5"));
        assertTrue(p.get(2).where().startsWith("Relu") && p.get(2).message().contains("has 2 inputs"));
    }

    @Test
    void omittedRequiredInput() {
        g.input("X", "1,3,4,4");
        g.node("Conv", ",X", "c");
        only(17, "Conv \"conv0\"", "required input 0 is omitted");
    }

    @Test
    void elementTypesMustAgree() {
        g.input("X", "1,3,4,4");
        g.init("W", Tensor.ofFloatsAs(ElementType.FLOAT16, new long[] {2, 3, 1, 1}, new float[6]));
        g.node("Conv", "X,W", "c");
        only(17, "Conv \"conv0\"", "float16");
    }

    @Test
    void initializerTypeMustMatchContents() {
        g.input("X", "2");
        Value w = g.constInts("w", 1, 2);
        w.setType(TestGraph.type(ElementType.INT64, "3"));
        g.node("Add", "X,X", "y");
        only(17, "graph test", "initializer w holds int64[2]");
    }

    @Test
    void unknownOpsPassWhenDataflowIsSound() {
        g.input("X", "2");
        g.add(new Node("m", "com.example", "Mystery", List.of(g.value("X")), List.of(new Value("y", null))));
        g.node("NotAnOnnxOp", "y,y,y,y", "z", Attribute.of("whatever", 3L));
        g.output("z");
        assertEquals(List.of(), Verifier.check(g.model(17)));
    }

    @Test
    void opsetDecidesTheSignature() {
        g.input("X", "1,3");
        g.node("Unsqueeze", "X", "u", ints("axes", 0));
        assertEquals(List.of(), Verifier.check(g.model(11)));
        only(13, "Unsqueeze \"unsqueeze0\"", "has 1 inputs, ONNX allows 2");
    }

    @Test
    void subgraphSeesEarlierOuterValuesOnly() {
        g.input("cond", ElementType.BOOL, "");
        g.input("X", "2");
        Graph then = new Graph("then");
        then.nodes().add(new Node("t", "", "Relu", List.of(g.value("X")), List.of(new Value("ty", null))));
        then.outputs().add(then.nodes().get(0).output(0));
        Graph other = new Graph("else");
        other.nodes().add(new Node("e", "", "Neg", List.of(g.value("X")), List.of(new Value("ey", null))));
        other.outputs().add(other.nodes().get(0).output(0));
        g.node("If", "cond", "y", Attribute.of("then_branch", then), Attribute.of("else_branch", other));
        g.output("y");
        assertEquals(List.of(), Verifier.check(g.model(17)));

        // The else branch now reads a value the outer graph defines only after the If.
        g.node("Relu", "X", "late");
        other.nodes().get(0).setInput(0, g.value("late"));
        List<Problem> p = Verifier.check(g.model(17));
        assertEquals(1, p.size(), p.toString());
        assertEquals("Neg \"e\" in If \"if0\"", p.get(0).where());
        assertTrue(p.get(0).message().contains("late is not defined"), p.toString());
    }

    @Test
    void subgraphMayNotShadowOuterNames() {
        g.input("cond", ElementType.BOOL, "");
        g.input("X", "2");
        Graph body = new Graph("then");
        body.nodes().add(new Node("t", "", "Relu", List.of(g.value("X")), List.of(new Value("X", null))));
        body.outputs().add(body.nodes().get(0).output(0));
        g.node("If", "cond", "y", Attribute.of("then_branch", body), Attribute.of("else_branch", body));
        List<Problem> p = Verifier.check(g.model(17));
        assertTrue(
                !p.isEmpty()
                        && p.get(0).where().equals("Relu \"t\" in If \"if0\"")
                        && p.get(0).message().contains("enclosing graph"),
                p.toString());
    }

    @Test
    void functionBodiesAreChecked() {
        g.input("X", "2");
        g.add(new Node("call", "local", "MyFn", List.of(g.value("X")), List.of(new Value("y", null))));
        g.output("y");
        Graph body = new Graph("MyFn");
        Value a = new Value("a", null);
        body.inputs().add(a);
        body.nodes().add(new Node("inner", "", "Add", List.of(a, new Value("b", null)), List.of(new Value("o", null))));
        body.outputs().add(body.nodes().get(0).output(0));
        Model m = g.model(17);
        m.functions().add(new Function("local", "MyFn", "", body));
        List<Problem> p = Verifier.check(m);
        assertEquals(1, p.size(), p.toString());
        assertEquals("Add \"inner\" in function local.MyFn", p.get(0).where());
    }

    @Test
    void verifyThrowsBadInputNamingTheNode() {
        g.input("X", "2");
        g.node("Cast", "X", "c", i("to", 999));
        YardException e = assertThrows(YardException.class, () -> Verifier.verify(g.model(17)));
        assertTrue(e.isBadInput());
        assertTrue(e.getMessage().contains("Cast \"cast0\"") && e.getMessage().contains("999"), e.getMessage());
    }
}
