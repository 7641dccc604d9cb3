package dev.yard.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {
    /** A registry with a test pass that has every kind of option. */
    static final class Probe extends PassDefinition {
        Probe() {
            super(
                    "probe",
                    "A pass with every kind of option.",
                    List.of(
                            OptionSpec.integer("count", 3, "an int"),
                            OptionSpec.real("ratio", 0.5, "a float"),
                            OptionSpec.bool("flag", false, "a bool"),
                            OptionSpec.string("path", null, "a string"),
                            OptionSpec.choice("method", List.of("svd", "tucker2"), "svd", "a choice")));
        }

        @Override
        public Pass create(PassOptions options) {
            return (Model m, PassContext c) -> false;
        }
    }

    static PassRegistry registry() {
        return PassRegistry.of(List.of(new Probe(), PassRegistry.load().get("dce")));
    }

    @Test
    void parsesAndPrintsCanonically() {
        Pipeline p = Pipeline.parse(" probe{count=7   ratio=0.25 method=tucker2} , dce,probe ", registry());
        assertEquals("probe{count=7 ratio=0.25 method=tucker2},dce,probe", p.toString());
        assertEquals(3, p.entries().size());
        PassOptions o = p.entries().get(0).options();
        assertEquals(7, o.integer("count"));
        assertEquals(0.25, o.real("ratio"));
        assertEquals("tucker2", o.string("method"));
        assertEquals(false, o.bool("flag"));
        assertEquals(3, p.entries().get(2).options().integer("count"), "defaults apply");
    }

    @Test
    void printedPipelinesParseBackToTheSameText() {
        for (String text :
                List.of("dce", "probe{path=\"a b/c,d.json\" flag=true}", "probe{path=\"say \\\"hi\\\"\"},dce")) {
            String printed = Pipeline.parse(text, registry()).toString();
            assertEquals(printed, Pipeline.parse(printed, registry()).toString());
        }
        assertEquals(
                "a b/c,d.json",
                Pipeline.parse("probe{path=\"a b/c,d.json\"}", registry())
                        .entries()
                        .get(0)
                        .options()
                        .string("path"));
    }

    private static String errorOf(String text) {
        YardException e = assertThrows(YardException.class, () -> Pipeline.parse(text, registry()));
        assertTrue(e.isBadInput());
        return e.getMessage();
    }

    @Test
    void errorsPointAtTheColumn() {
        assertTrue(errorOf("dce,nope").contains("column 5: unknown pass 'nope'"), errorOf("dce,nope"));
        assertTrue(
                errorOf("probe{cnt=1}").contains("column 7: pass probe has no option 'cnt'"), errorOf("probe{cnt=1}"));
        assertTrue(errorOf("probe{count=x}").contains("column 13: probe option count: 'x' is not an integer"));
        assertTrue(errorOf("probe{method=cp}").contains("'cp' is not one of svd, tucker2"));
        assertTrue(errorOf("probe{flag=yes}").contains("not true or false"));
        assertTrue(errorOf("probe{count=1").contains("missing '}'"));
        assertTrue(errorOf("probe{count=1 count=2}").contains("given twice"));
        assertTrue(errorOf("dce,,dce").contains("column 5: expected a pass name"));
        assertTrue(errorOf("").contains("empty pipeline"));
        assertTrue(errorOf("dce{x=1}").contains("it takes none"));
        assertTrue(errorOf("probe{path=\"open}").contains("unterminated string"));
    }

    @Test
    void badValuesPointAtTheirPassLikeSyntaxErrors() {
        // Values the option's type admits but the pass refuses are found when parsing, at the pass.
        PassRegistry real = PassRegistry.load();
        for (String[] c : new String[][] {
            {"dce,decompose{rank=-1}", "column 5: rank '-1' must be positive"},
            {"decompose{rank=nan}", "column 1: rank 'nan'"},
            {"decompose{groups=0}", "column 1: decompose: groups, round and stages must be at least 1"},
            {"decompose{rank=energy:2}", "column 1: "},
            {"fold-batchnorm,select-ranks{fractions=\"0.5,2\"}", "column 16: select-ranks: fractions must lie in (0, 1)"
            }
        }) {
            YardException e = assertThrows(YardException.class, () -> Pipeline.parse(c[0], real), c[0]);
            assertTrue(e.isBadInput(), c[0]);
            assertTrue(e.getMessage().startsWith("pipeline, " + c[1]), c[0] + ": " + e.getMessage());
        }
        // Once an IllegalArgumentException (a set built with a duplicate) and an InvalidPathException.
        assertEquals(
                "decompose{layers=\"a,a\"}",
                Pipeline.parse("decompose{layers=\"a,a\"}", real).toString());
        YardException nul =
                assertThrows(YardException.class, () -> Pipeline.parse("decompose{plan=\"a\u0000b\"}", real));
        assertTrue(nul.isBadInput() && !nul.getMessage().contains("\u0000"), nul.getMessage());
        // A pipeline written over two lines is reported on one.
        YardException lines = assertThrows(YardException.class, () -> Pipeline.parse("dce,\nnope", real));
        assertEquals(1, lines.getMessage().lines().count(), lines.getMessage());
    }
}
