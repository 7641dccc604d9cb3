package dev.yard.passes.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Graph;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.Value;
import dev.yard.ir.text.OnnxTextReader;
import dev.yard.passes.PassContext;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RewriteDriverTest {

    /** x, then {@code n} Relus one after another, then y. */
    private static Model reluChain(int n) {
        StringBuilder b = new StringBuilder("g (float[1,4] x) => (float[1,4] y) {\n");
        String in = "x";
        for (int i = 0; i < n; i++) {
            String out = i == n - 1 ? "y" : "v" + i;
            b.append("   [relu")
                    .append(i)
                    .append("] ")
                    .append(out)
                    .append(" = Relu (")
                    .append(in)
                    .append(")\n");
            in = out;
        }
        return OnnxTextReader.parse(b.append("}\n").toString(), "chain");
    }

    /** Relu(Relu(x)) is Relu(x): matched at the first Relu, counting how often it is tried. */
    private static final class TwoRelusAsOne implements RewriteRule {
        int tries;

        @Override
        public Set<String> rootOps() {
            return Set.of("Relu");
        }

        @Override
        public Match match(Node first, GraphIndex index) {
            tries++;
            Node second = index.soleUser(first.output(0));
            if (second == null || !second.is("Relu")) {
                return Match.NONE;
            }
            return Match.rewrite(() -> index.replace(
                    List.of(first, second),
                    List.of(new Node(second.name(), "", "Relu", first.inputs(), second.outputs()))));
        }
    }

    @Test
    void collapsesAChainWithTriesLinearInItsLength() {
        for (int n : new int[] {2, 10, 1000, 5000}) {
            Model m = reluChain(n);
            TwoRelusAsOne rule = new TwoRelusAsOne();
            assertTrue(RewriteDriver.run(new GraphIndex(m, m.graph()), new PassContext(), List.of(rule)));
            List<Node> nodes = m.graph().nodes();
            assertEquals(1, nodes.size(), "chain of " + n);
            assertEquals("x", nodes.get(0).input(0).name());
            assertEquals("y", nodes.get(0).output(0).name());
            // Each merge tries the merged node once more; scanning again from the top would be quadratic.
            assertTrue(rule.tries <= 3 * n, "tries " + rule.tries + " for a chain of " + n);
        }
    }

    @Test
    void nothingToRewriteIsNoChange() {
        Model m = reluChain(1);
        assertEquals(
                false,
                RewriteDriver.run(new GraphIndex(m, m.graph()), new PassContext(), List.of(new TwoRelusAsOne())));
        assertEquals(1, m.graph().nodes().size());
    }

    /** Turns every {@code from} into a {@code to}: two of these that undo each other never end. */
    private record Rename(String from, String to) implements RewriteRule {
        @Override
        public Set<String> rootOps() {
            return Set.of(from);
        }

        @Override
        public Match match(Node n, GraphIndex index) {
            return Match.rewrite(
                    () -> index.replace(List.of(n), List.of(new Node(n.name(), "", to, n.inputs(), n.outputs()))));
        }
    }

    @Test
    void rulesThatUndoEachOtherFailInsteadOfLooping() {
        Model m = reluChain(3);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> RewriteDriver.run(
                        new GraphIndex(m, m.graph()),
                        new PassContext(),
                        List.of(new Rename("Relu", "Sigmoid"), new Rename("Sigmoid", "Relu"))));
        assertTrue(e.getMessage().contains("did not converge"), e.getMessage());
    }

    @Test
    void reportsTheLatestReasonForNodesStillInTheGraph() {
        Model m = OnnxTextReader.parse("""
                g (float[1,4] x) => (float[1,4] y) {
                   [neg] a = Neg (x)
                   [first] b = Relu (a)
                   [second] y = Relu (b)
                }
                """, "reasons");
        // Matched at the second of two Relus; a Relu after anything else says why not.
        RewriteRule merge = new RewriteRule() {
            @Override
            public Set<String> rootOps() {
                return Set.of("Relu");
            }

            @Override
            public Match match(Node second, GraphIndex index) {
                Node first = second.input(0).producer();
                if (first == null || !first.is("Relu")) {
                    return Match.notApplicable(second, "no Relu before " + second.name());
                }
                return Match.rewrite(() -> index.replace(
                        List.of(first, second),
                        List.of(new Node("merged", "", "Relu", first.inputs(), second.outputs()))));
            }
        };
        RewriteRule neverNeg = new RewriteRule() {
            @Override
            public Set<String> rootOps() {
                return Set.of("Neg");
            }

            @Override
            public Match match(Node n, GraphIndex index) {
                return Match.notApplicable(n, "Neg stays");
            }
        };
        PassContext context = new PassContext();
        RewriteDriver.run(new GraphIndex(m, m.graph()), context, List.of(merge, neverNeg));
        List<String> skipped = context.remarks().stream()
                .map(r -> r.node() + ": " + r.message())
                .toList();
        // "first" said why not before it was merged away; only the nodes left are reported.
        assertEquals(List.of("Neg \"neg\": Neg stays", "Relu \"merged\": no Relu before merged"), skipped);
    }

    @Test
    void theUseIndexFollowsEveryEdit() {
        Model m = OnnxTextReader.parse("""
                g (float[1,4] x, float[1,4] z) => (float[1,4] y, float[1,4] w) {
                   [a] a = Relu (x)
                   [b] b = Add (a, a)
                   [c] c = Mul (b, z)
                   [d] y = Sigmoid (c)
                   [e] w = Neg (b)
                }
                """, "uses");
        Graph g = m.graph();
        GraphIndex index = new GraphIndex(m, g);
        Node add = g.nodes().get(1);
        Node mul = g.nodes().get(2);
        Node neg = g.nodes().get(4);
        Value a = add.input(0);
        Node sub = new Node("s", "", "Sub", List.of(a, g.inputs().get(1)), List.of(add.output(0)));
        index.replace(List.of(add), List.of(sub));
        index.setInput(mul, 1, a);
        Node tanh = new Node("t", "", "Tanh", List.of(mul.output(0)), List.of(new Value(index.freshName("c"), null)));
        Node newNeg = new Node("n", "", "Neg", List.of(a), neg.outputs());
        index.replaceAtFirst(List.of(neg), List.of(tanh, newNeg));
        assertSameUses(g, index);
        index.remove(tanh);
        assertSameUses(g, index);
        assertEquals(
                List.of("a", "s", "c", "d", "n"),
                g.nodes().stream().map(Node::name).toList());
        assertEquals(List.of(mul, newNeg), index.users(a).subList(1, 3), "the Relu's output, read by Sub, Mul and Neg");
    }

    /** Every value's readers in the index are those a fresh count of the graph finds, in any order. */
    private static void assertSameUses(Graph g, GraphIndex index) {
        Uses fresh = Uses.of(g);
        List<Value> values = new ArrayList<>(g.inputs());
        g.nodes().forEach(n -> values.addAll(n.outputs()));
        for (Value v : values) {
            assertEquals(counts(fresh.readers(v)), counts(index.users(v)), "readers of " + v.name());
            assertEquals(fresh.count(v), index.useCount(v), "uses of " + v.name());
        }
    }

    private static Map<Node, Integer> counts(List<Node> nodes) {
        Map<Node, Integer> m = new IdentityHashMap<>();
        nodes.forEach(n -> m.merge(n, 1, Integer::sum));
        return m;
    }
}
