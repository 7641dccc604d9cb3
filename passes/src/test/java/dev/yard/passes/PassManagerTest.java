package dev.yard.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import dev.yard.ir.text.OnnxTextPrinter;
import dev.yard.ir.text.OnnxTextReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PassManagerTest {
    static final String MODEL = """
            <ir_version: 8, opset_import: ["" : 17]>
            g (float[2] x) => (float[2] y) {
               dead = Neg (x)
               y = Relu (x)
            }
            """;

    static Model model() {
        return OnnxTextReader.parse(MODEL, "test");
    }

    /** A pass that lies: it removes nothing but claims a change, or breaks the graph. */
    static final class Liar extends PassDefinition {
        Liar() {
            super(
                    "liar",
                    "Misbehaves on purpose.",
                    List.of(OptionSpec.choice("how", List.of("claim", "hide", "break"), "claim", "how to misbehave")));
        }

        @Override
        public Pass create(PassOptions o) {
            return (m, c) -> switch (o.string("how")) {
                case "claim" -> true;
                case "hide" -> {
                    m.graph().nodes().remove(0);
                    yield false;
                }
                default -> {
                    m.graph().nodes().remove(1);
                    yield true;
                }
            };
        }
    }

    /** A pass that records the name of the cost model it decides by. */
    static final class Witness extends PassDefinition {
        static final List<String> seen = new ArrayList<>();

        Witness() {
            super("witness", "Records its cost model.", List.of(OptionSpec.costModel()));
        }

        @Override
        public Pass create(PassOptions o) {
            return (m, c) -> {
                seen.add(c.costModel().name());
                return false;
            };
        }
    }

    static PassRegistry registry() {
        return PassRegistry.of(
                List.of(new Liar(), new Witness(), PassRegistry.load().get("dce")));
    }

    static PassManager manager(String pipeline) {
        return new PassManager(Pipeline.parse(pipeline, registry())).checkChangeClaims(OnnxTextPrinter::print);
    }

    @Test
    void dceRemovesTheDeadNodeAndSaysSo() {
        Model m = model();
        PassManager.Report r = manager("dce,dce").run(m);
        assertEquals(1, m.graph().nodes().size());
        assertEquals("Relu", m.graph().nodes().get(0).opType());
        assertEquals(
                List.of(true, false),
                r.runs().stream().map(PassManager.PassRun::changed).toList(),
                "the second dce finds nothing to do");
    }

    @Test
    void aPassDecidesByTheCostModelItNamesAndTheOthersByThePipelines() {
        Witness.seen.clear();
        manager("witness,witness{cost-model=macs},witness")
                .costModel(new dev.yard.passes.cost.CostModel() {
                    @Override
                    public String name() {
                        return "pipeline";
                    }

                    @Override
                    public dev.yard.passes.cost.Cost layer(dev.yard.passes.cost.Layer layer) {
                        return dev.yard.passes.cost.Cost.ZERO;
                    }
                })
                .run(model());
        assertEquals(List.of("pipeline", "macs", "pipeline"), Witness.seen);
        YardException e = assertThrows(
                YardException.class, () -> manager("witness{cost-model=nosuch}").run(model()));
        assertTrue(
                e.getMessage().startsWith("witness{cost-model=nosuch}: unknown cost model 'nosuch'"), e.getMessage());
        assertTrue(e.isBadInput());
    }

    @Test
    void aFalseChangeClaimIsCaught() {
        YardException e = assertThrows(
                YardException.class, () -> manager("liar{how=claim}").run(model()));
        assertTrue(e.getMessage().contains("said it changed the graph, but it did not"), e.getMessage());
        e = assertThrows(YardException.class, () -> manager("liar{how=hide}").run(model()));
        assertTrue(e.getMessage().contains("said it did not change the graph, but it did"), e.getMessage());
    }

    @Test
    void aBrokenGraphIsCaughtAndNamesThePass() {
        YardException e = assertThrows(
                YardException.class, () -> manager("liar{how=break}").run(model()));
        assertTrue(e.getMessage().startsWith("after pass liar{how=break}: the graph is broken"), e.getMessage());
        assertTrue(e.getMessage().contains("y"), e.getMessage());
    }

    @Test
    void aPipelineThatCannotFinishFailsBeforeItsFirstPass() {
        PassRegistry all = PassRegistry.load();
        Model m = model();
        YardException e = assertThrows(
                YardException.class, () -> new PassManager(Pipeline.parse("dce,select-ranks", all)).run(m));
        assertTrue(e.isBadInput());
        assertTrue(
                e.getMessage().startsWith("pass select-ranks: select-ranks needs evaluation inputs"), e.getMessage());
        assertEquals(2, m.graph().nodes().size(), "dce did not run");
        e = assertThrows(
                YardException.class, () -> new PassManager(Pipeline.parse("dce,decompose{stages=2}", all)).run(m));
        assertTrue(e.getMessage().contains("stages=2 fits on calibration data, and there is none"), e.getMessage());
        e = assertThrows(
                YardException.class, () -> new PassManager(Pipeline.parse("decompose{calibrate=true}", all)).run(m));
        assertTrue(e.getMessage().contains("calibrate=true fits on calibration data"), e.getMessage());
        // With calibration data, the same pipeline runs (this model has no layers to measure).
        new PassManager(Pipeline.parse("decompose{stages=2}", all))
                .calibrateWith((model, layers) -> Map.of())
                .run(m);
        new PassManager(Pipeline.parse("decompose", all)).run(m);
    }

    @Test
    void printsAfterTheNamedPasses() {
        List<String> dumped = new ArrayList<>();
        new PassManager(Pipeline.parse("dce,dce", registry()))
                .printAfter(
                        Set.of("dce"),
                        false,
                        (pass, m) -> dumped.add(pass + ":" + m.graph().nodes().size()))
                .run(model());
        assertEquals(List.of("dce:1", "dce:1"), dumped);
    }
}
