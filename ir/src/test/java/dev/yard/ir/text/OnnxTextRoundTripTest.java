package dev.yard.ir.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Attribute;
import dev.yard.ir.Dim;
import dev.yard.ir.ElementType;
import dev.yard.ir.Function;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Shape;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Text to IR to text, and IR to text to IR. */
class OnnxTextRoundTripTest {

    static String resource(String name) throws IOException {
        try (InputStream in = OnnxTextRoundTripTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Shows the first differing line rather than two walls of text. */
    static void assertSameText(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.min(e.length, a.length); i++) {
            assertEquals(e[i], a[i], "first difference at line " + (i + 1));
        }
        assertEquals(e.length, a.length, "line count");
    }

    @ParameterizedTest
    @ValueSource(strings = {"every_construct.txt", "subgraphs_and_functions.txt"})
    void canonicalTextPrintsBackUnchanged(String file) throws IOException {
        String text = resource(file);
        assertSameText(text, OnnxTextPrinter.print(OnnxTextReader.parse(text, file)));
    }

    @Test
    void lenientSyntaxPrintsCanonically() throws IOException {
        Model m = OnnxTextReader.parse(resource("lenient_input.txt"), "lenient_input.txt");
        assertSameText(resource("lenient_canonical.txt"), OnnxTextPrinter.print(m));
    }

    @Test
    void everyConstructBuildsTheExpectedIr() throws IOException {
        Model m = OnnxTextReader.parse(resource("every_construct.txt"), "every_construct.txt");
        assertEquals(9, m.irVersion());
        assertEquals(Map.of("", 17L, "com.microsoft", 1L, "local", 1L), m.opsetImports());
        assertEquals("yard \"tests\"", m.producerName());
        assertEquals("a\\b", m.metadata().keySet().toArray()[1]);
        Graph g = m.graph();
        assertEquals("main graph", g.name());

        Value x = g.inputs().get(0);
        assertEquals(new Shape(List.of(Dim.symbol("N"), Dim.of(3), Dim.symbol("H w"), Dim.UNKNOWN)), x.shape());
        assertNull(g.inputs().get(2).shape(), "float[] has unknown rank");
        assertEquals(0, g.inputs().get(3).shape().rank(), "float is a scalar");
        Value shape = g.inputs().get(4);
        assertTrue(shape.isInitializer(), "an initializer named like an input is its default");
        assertSame(shape, g.initializers().get(0));

        assertEquals(
                new ValueType.SequenceType(ValueType.tensor(ElementType.FLOAT, 3)),
                g.outputs().get(1).type());
        assertEquals(
                new ValueType.MapType(ElementType.INT64, ValueType.tensor(ElementType.FLOAT, new Shape(List.of()))),
                g.outputs().get(2).type());
        assertTrue(g.outputs().get(4).type() instanceof ValueType.SparseTensorType);

        Node conv = g.nodes().get(0);
        assertEquals("conv_0", conv.name());
        assertSame(x, conv.input(0));
        assertNull(conv.input(2), "an empty name is an omitted input");
        assertEquals(3, conv.inputs().size());
        Node foo = g.nodes().get(1);
        assertEquals("com.microsoft", foo.domain());
        assertEquals("Foo", foo.opType());
        assertNull(foo.output(1));
        assertSame(conv.output(0), foo.input(0), "a value is the very object its producer defined");
        assertEquals(ValueType.tensor(ElementType.FLOAT, 3), conv.output(0).type(), "typed by its value info");
        assertEquals(Attribute.Kind.FLOATS, foo.attribute("ratios").kind());
        assertArrayEquals(
                new float[] {0.5f, 2f, Float.MAX_VALUE}, foo.attribute("ratios").asFloats());
        assertEquals(Attribute.Kind.TYPE_PROTOS, foo.attribute("tps").kind());
        assertEquals(0, foo.attribute("empty").asLongs().length);

        Map<String, Value> values = g.valuesByName();
        Tensor h = values.get("h").initializer();
        assertArrayEquals(new float[] {1f, -2.5f, Float.POSITIVE_INFINITY}, h.toFloatArray());
        Tensor b = values.get("b").initializer();
        assertEquals(1f, b.toFloatArray()[0]);
        assertTrue(Float.isNaN(b.toFloatArray()[1]));
        assertArrayEquals(
                new long[] {Long.MAX_VALUE, Long.MIN_VALUE},
                values.get("extremes").initializer().toLongArray());
        assertEquals(-1L, values.get("big").initializer().getLong(0), "uint64 max wraps to -1");
        assertArrayEquals(
                new long[] {1, 0, 1}, values.get("flags").initializer().toLongArray());
        assertEquals(
                "a\"b", new String(values.get("names").initializer().strings().get(0), StandardCharsets.UTF_8));
        assertEquals(
                "c\\d", new String(values.get("names").initializer().strings().get(1), StandardCharsets.UTF_8));
        ByteBuffer i4 = values.get("i4").initializer().raw();
        assertEquals(0x78, i4.get(0) & 0xff, "int4 packs the first element in the low half");
        assertEquals(0x01, i4.get(1) & 0xff);
        float[] special = values.get("special").initializer().toFloatArray();
        assertEquals(Float.floatToRawIntBits(Float.MIN_VALUE), Float.floatToRawIntBits(special[3]));
        assertEquals(
                0x80000000,
                Float.floatToRawIntBits(values.get("init").initializer().toFloatArray()[2]),
                "-0 keeps its sign");
    }

    @Test
    void subgraphsReadOuterValuesAndFunctionsKeepTheirParameters() throws IOException {
        Model m = OnnxTextReader.parse(resource("subgraphs_and_functions.txt"), "subgraphs_and_functions.txt");
        Graph g = m.graph();
        Value a = g.nodes().get(0).output(0);
        Node ifNode = g.nodes().get(1);
        Graph elseBranch = ifNode.attribute("else_branch").asGraph();
        assertSame(a, elseBranch.nodes().get(0).input(0), "a subgraph reads the outer value itself");
        Graph thenBranch = ifNode.attribute("then_branch").asGraph();
        Graph innerElse = thenBranch.nodes().get(1).attribute("else_branch").asGraph();
        assertSame(thenBranch.nodes().get(0).output(0), innerElse.nodes().get(0).input(0));
        assertSame(g.inputs().get(1), innerElse.nodes().get(0).input(1), "two scopes out");
        assertSame(
                g.inputs().get(1),
                thenBranch
                        .nodes()
                        .get(1)
                        .attribute("then_branch")
                        .asGraph()
                        .outputs()
                        .get(0));

        Function scaled = m.functions().get(0);
        assertEquals("local", scaled.domain());
        assertEquals("v2", scaled.overload());
        assertEquals("scales its input", scaled.docString());
        assertEquals(List.of("factor"), scaled.attributeNames());
        assertEquals(
                List.of("bias", "mode"),
                scaled.attributeDefaults().stream().map(Attribute::name).toList());
        Attribute ref = scaled.body().nodes().get(0).attribute("value_float");
        assertTrue(ref.isReference());
        assertEquals("factor", ref.refAttrName());
        assertEquals(Attribute.Kind.FLOAT, ref.kind());
        assertNull(m.functions().get(1).body().inputs().get(0).type(), "function inputs may be untyped");
    }

    @Test
    void irPrintsAndReadsBackExactly() {
        Random r = new Random(42);
        float[] weights = new float[64 * 3 * 3 * 3];
        for (int i = 0; i < weights.length; i++) {
            // Random bit patterns: normals, subnormals, infinities, every exponent.
            float f = Float.intBitsToFloat(r.nextInt());
            weights[i] = Float.isNaN(f) ? Float.NaN : f;
        }
        double[] doubles = {0.1, 1.0 / 3, Double.MIN_VALUE, -Double.MAX_VALUE, 2e23, 5e-324, -0.0};
        ByteBuffer db = ByteBuffer.allocate(doubles.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        db.asDoubleBuffer().put(doubles);
        float[] halves = {1f, -2.5f, 65504f, 6.0e-8f, Float.NEGATIVE_INFINITY, 0.1f};

        Graph g = new Graph("built");
        Value x = new Value(
                "X",
                ValueType.tensor(
                        ElementType.FLOAT, new Shape(List.of(Dim.symbol("N"), Dim.of(3), Dim.of(8), Dim.of(8)))));
        g.inputs().add(x);
        Value w = g.addInitializer("W", Tensor.ofFloats(new long[] {64, 3, 3, 3}, weights));
        Value d = g.addInitializer("d", Tensor.ofRaw(ElementType.DOUBLE, new long[] {doubles.length}, db));
        Value h = g.addInitializer("h", Tensor.ofFloatsAs(ElementType.FLOAT16, new long[] {2, 3}, halves));
        Value bf = g.addInitializer("bf", Tensor.ofFloatsAs(ElementType.BFLOAT16, new long[] {6}, halves));
        g.addInitializer("longs", Tensor.ofLongs(new long[] {3}, Long.MIN_VALUE, 0, Long.MAX_VALUE));
        g.addInitializer("bools", Tensor.ofRaw(ElementType.BOOL, new long[] {2}, ByteBuffer.wrap(new byte[] {1, 0})));
        g.addInitializer(
                "strs",
                Tensor.ofStrings(
                        new long[] {3},
                        List.of(
                                "plain".getBytes(StandardCharsets.UTF_8),
                                "quote \" and \\".getBytes(StandardCharsets.UTF_8),
                                "ünïcode\nnewline".getBytes(StandardCharsets.UTF_8))));
        Value y = new Value(
                "Y",
                ValueType.tensor(
                        ElementType.FLOAT, new Shape(List.of(Dim.symbol("N"), Dim.of(64), Dim.UNKNOWN, Dim.UNKNOWN))));
        Node conv = new Node("conv", "", "Conv", List.of(x, w), List.of(y));
        conv.setAttribute(Attribute.of("pads", new long[] {1, 1, 1, 1}));
        conv.setAttribute(Attribute.of("alpha", weights[7]));
        conv.setAttribute(Attribute.of("k", Tensor.ofFloatsAs(ElementType.FLOAT16, new long[] {}, new float[] {0.5f})));
        g.nodes().add(conv);
        g.outputs().add(y);
        Model m = new Model(g);
        m.opsetImports().put("", 17L);

        String text = OnnxTextPrinter.print(m);
        Model back = OnnxTextReader.parse(text, "printed");
        assertSameText(text, OnnxTextPrinter.print(back));
        Map<String, Value> values = back.graph().valuesByName();
        for (Value v : g.initializers()) {
            assertTrue(
                    v.initializer().contentEquals(values.get(v.name()).initializer()),
                    v.name() + " reads back bit-exactly");
        }
        assertEquals(
                Float.floatToRawIntBits(weights[7]),
                Float.floatToRawIntBits(
                        back.graph().nodes().get(0).attribute("alpha").asFloat()));
        assertTrue(conv.attribute("k")
                .asTensor()
                .contentEquals(back.graph().nodes().get(0).attribute("k").asTensor()));
        assertEquals(h.initializer().digest(), values.get("h").initializer().digest());
        assertEquals(bf.initializer().digest(), values.get("bf").initializer().digest());
        assertEquals(d.initializer().digest(), values.get("d").initializer().digest());
    }

    @Test
    void printingIsDeterministic() throws IOException {
        String text = resource("every_construct.txt");
        assertEquals(
                OnnxTextPrinter.print(OnnxTextReader.parse(text, "a")),
                OnnxTextPrinter.print(OnnxTextReader.parse(text, "b")));
    }

    @Test
    void namesThatOnnxWouldTakeForTypesOrNumbersAreQuoted() {
        String text = """
                <
                   ir_version: 8,
                   opset_import: ["" : 17]
                >
                g (float "float", float "nan") => (float "seq") {
                   "seq" = Add ("float", "nan")
                }
                """;
        assertSameText(text, OnnxTextPrinter.print(OnnxTextReader.parse(text, "q")));
    }
}
