package dev.yard.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.yard.ir.Attribute;
import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Model#copy()}: the same model, which can be rewritten without touching the original. */
class ModelCopyTest {

    @ParameterizedTest
    @ValueSource(strings = {"every_construct.txt", "subgraphs_and_functions.txt"})
    void copyPrintsTheSameAndRewritingItLeavesTheOriginal(String file) throws IOException {
        Model original = OnnxTextReader.parse(OnnxTextRoundTripTest.resource(file), file);
        String before = OnnxTextPrinter.print(original);
        Model copy = original.copy();
        OnnxTextRoundTripTest.assertSameText(before, OnnxTextPrinter.print(copy));

        // Rewrite the copy everywhere: node names and attributes, value names and the graphs
        // nested in attributes, the graph's lists.
        rename(copy.graph());
        copy.graph().nodes().remove(copy.graph().nodes().size() - 1);
        copy.opsetImports().put("", 99L);
        String after = OnnxTextPrinter.print(copy);
        assertNotEquals(before, after);
        OnnxTextRoundTripTest.assertSameText(before, OnnxTextPrinter.print(original));
        assertNotSame(original.graph(), copy.graph());
    }

    private static void rename(Graph g) {
        for (Value v : g.inputs()) {
            v.setName(v.name() + "_c");
        }
        for (Node n : g.nodes()) {
            n.setName(n.name() + "_c");
            for (Value v : n.outputs()) {
                if (v != null) {
                    v.setName(v.name() + "_c");
                }
            }
            n.setAttribute(Attribute.of("copied", 1L));
            for (Graph sub : n.subgraphs()) {
                rename(sub);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"subgraphs_and_functions.txt"})
    void subgraphsSeeTheCopiedOuterValues(String file) throws IOException {
        Model copy =
                OnnxTextReader.parse(OnnxTextRoundTripTest.resource(file), file).copy();
        // A value of the outer graph read inside a subgraph is the outer copy itself: renaming
        // it renames the use, as in the original the two are one value.
        java.util.Map<String, Value> outer = copy.graph().valuesByName();
        int shared = 0;
        for (Node n : copy.graph().nodes()) {
            for (Graph sub : n.subgraphs()) {
                for (Node inner : sub.nodes()) {
                    for (Value v : inner.inputs()) {
                        if (v != null && outer.get(v.name()) == v) {
                            shared++;
                        }
                    }
                }
            }
        }
        assertNotEquals(0, shared, "no subgraph of " + file + " reads an outer value");
        assertEquals(copy.graph().nodes().size(), copy.copy().graph().nodes().size());
    }
}
