package dev.yard.passes.cost;

import static org.junit.jupiter.api.Assertions.*;

import dev.yard.ir.ElementType;
import dev.yard.ir.YardException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerTest {
    private static Layer.Conv conv(int in, int out, int h, int k, int group, int stride, int pad) {
        return new Layer.Conv(
                ElementType.FLOAT,
                1,
                in,
                out,
                h,
                h,
                k,
                k,
                group,
                new int[] {stride, stride},
                new int[] {pad, pad, pad, pad},
                new int[] {1, 1});
    }

    @Test
    void geometryMacsAndKinds() {
        Layer.Conv c = conv(64, 128, 56, 3, 1, 2, 1);
        assertEquals(28, c.outH());
        assertEquals(28, c.outW());
        assertEquals(128L * 28 * 28 * 64 * 9, c.macs());
        assertEquals(Layer.Kind.DENSE, c.kind());
        assertEquals(Layer.Kind.POINTWISE, conv(64, 64, 8, 1, 1, 1, 0).kind());
        assertEquals(Layer.Kind.DEPTHWISE, conv(64, 64, 8, 3, 64, 1, 1).kind());
        assertEquals(Layer.Kind.GROUPED, conv(64, 64, 8, 3, 4, 1, 1).kind());
        Layer.Conv separable = new Layer.Conv(
                ElementType.FLOAT, 1, 8, 8, 10, 10, 3, 1, 1, new int[] {1, 1}, new int[] {1, 0, 1, 0}, new int[] {1, 1
                });
        assertEquals(Layer.Kind.SEPARABLE, separable.kind());
        assertEquals(10, separable.outH());
        // Asymmetric pads and dilation count: (7 + 0 + 2 - 2*(3-1) - 1) / 1 + 1 = 5.
        Layer.Conv dilated = new Layer.Conv(
                ElementType.FLOAT, 1, 1, 1, 7, 7, 3, 3, 1, new int[] {1, 1}, new int[] {0, 0, 2, 2}, new int[] {2, 2});
        assertEquals(5, dilated.outH());
    }

    @Test
    void keysTellConfigurationsApart() {
        assertEquals(conv(8, 8, 8, 3, 1, 1, 1), conv(8, 8, 8, 3, 1, 1, 1));
        assertNotEquals(
                conv(8, 8, 8, 3, 1, 1, 1).key(), conv(8, 8, 8, 3, 1, 1, 0).key());
        assertNotEquals(
                conv(8, 8, 8, 3, 1, 1, 1).key(), conv(8, 8, 8, 3, 2, 1, 1).key());
    }

    @Test
    void impossibleConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> conv(6, 8, 8, 3, 4, 1, 1)); // 4 does not divide 6
        assertThrows(IllegalArgumentException.class, () -> new Layer.Matrix(ElementType.FLOAT, 0, 3, 3));
    }

    @Test
    void macsModelIsFoundByNameAndSumsChains() {
        CostModel m = CostModels.create("macs");
        Layer.Conv a = conv(16, 4, 8, 1, 1, 1, 0);
        Layer.Conv b = conv(4, 16, 8, 3, 1, 1, 1);
        Cost chain = m.chain(List.of(a, b));
        assertEquals((a.macs() + b.macs()) / 1e9, chain.seconds(), 1e-18);
        assertFalse(chain.measured());
        assertTrue(m.describe(chain).endsWith("multiply-accumulates"), m.describe(chain));
    }

    @Test
    void unknownModelsAndBadArgumentsAreBadInput() {
        YardException e = assertThrows(YardException.class, () -> CostModels.create("nosuch:1"));
        assertTrue(e.isBadInput());
        assertTrue(
                e.getMessage().contains("unknown cost model 'nosuch'")
                        && e.getMessage().contains("macs"),
                e.getMessage());
        assertTrue(assertThrows(YardException.class, () -> CostModels.create("macs:x"))
                .isBadInput());
    }
}
