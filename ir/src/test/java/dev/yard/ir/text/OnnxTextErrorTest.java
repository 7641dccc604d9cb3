package dev.yard.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed text: one clear line naming the place and the problem. */
class OnnxTextErrorTest {

    private static final String HEAD = "<ir_version: 8, opset_import: [\"\" : 17]>\n";

    /** Each case: the graph text after the header, then the expected message after "m.txt:". */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "g (float x) => (float y) {\\n  y = Relu (z)\\n}                  | 3:13: 'z' is not defined",
                "g (float x) => (float y) {\\n  y = Relu (t)\\n  t = Neg (x)\\n}  | 3:13: 't' is used before the node that defines it (nodes must be in topological order)",
                "g (flaot x) => (float y) {\\n  y = Relu (x)\\n}                  | 2:4: unknown element type 'flaot'",
                "g (float x) => (float y) {\\n  y = Relu (x\\n}                   | 4:1: unexpected '}'; expected ')'",
                "g (float x) => (float y) {\\n  y = Cast <to = \"x) (x)\\n}        | 3:18: unterminated string literal",
                "g (float x) => (float y) {\\n  y = Relu $ (x)\\n}                | 3:12: unexpected character '$'; expected '<' or ':' or '('",
                "g (float x) => (float y) {\\n  y = Relu (x)\\n  y = Neg (x)\\n}  | 4:3: 'y' is defined twice",
                "g (float x) => (float y) {\\n  y = Foo <a: int = 1.5> (x)\\n}    | 3:21: attribute 'a' is declared int but its value is float",
                "g (float x) => (float y) {\\n  y = Foo <a = []> (x)\\n}          | 3:16: an empty list needs its type: a: ints = []",
                "g (float x) => (float y) <int8[2] c = {1, 300}> {\\n  y = Relu (x)\\n} | 2:43: 300 is out of range for int8",
                "g (float x) => (float y) <float[3] c = {1, 2}> {\\n  y = Relu (x)\\n}  | 2:40: a float[3] tensor needs 3 values, the literal has 2",
                "g (float x) => (float y) <float16[1] c = {1.5}> {\\n  y = Relu (x)\\n}  | 2:43: expected an integer, found 1.5 (float16 elements are written as their bit patterns)",
                "g (float x) => (float y) <float[1] c = {1e39}> {\\n  y = Relu (x)\\n}   | 2:41: 1e39 is out of range for float",
                "g (float x) => (float q) {\\n  y = Relu (x)\\n}                  | 2:23: output 'q' is not defined",
                "g (float x) => (float y) {\\n  y = Relu (x)\\n} trailing         | 4:11: unexpected end of input; expected '<' or '('",
            })
    void reportsLineColumnAndProblem(String graph, String expected) {
        String text = HEAD + graph.strip().replace("\\n", "\n");
        YardException e = assertThrows(YardException.class, () -> OnnxTextReader.parse(text, "m.txt"));
        assertTrue(e.isBadInput());
        assertEquals("m.txt:" + expected.strip(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void typesNestedBeyondTheLimitAreRefusedAtTheirPlace() {
        String ok = "seq(".repeat(OnnxTextReader.MAX_TYPE_DEPTH - 1) + "float[2]"
                + ")".repeat(OnnxTextReader.MAX_TYPE_DEPTH - 1);
        Model m = OnnxTextReader.parse(HEAD + "g (" + ok + " x) => (" + ok + " y) {\n  y = Identity (x)\n}", "m.txt");
        assertEquals(1, m.graph().nodes().size());
        String deep = "seq(" + ok + ")";
        YardException e = assertThrows(
                YardException.class,
                () -> OnnxTextReader.parse(HEAD + "g (" + deep + " x) => (float y) {\n  y = Identity (x)\n}", "m.txt"));
        assertTrue(e.isBadInput());
        assertEquals(
                "m.txt:2:" + (4 + 4 * OnnxTextReader.MAX_TYPE_DEPTH) + ": type nested more than "
                        + OnnxTextReader.MAX_TYPE_DEPTH + " levels deep",
                e.getMessage());
    }
}
