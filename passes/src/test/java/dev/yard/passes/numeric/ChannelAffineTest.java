package dev.yard.passes.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.yard.ir.ElementType;
import dev.yard.ir.HalfFloats;
import dev.yard.ir.Tensor;
import org.junit.jupiter.api.Test;

class ChannelAffineTest {
    @Test
    void batchNormMapIsScaleAndShift() {
        ChannelAffine a = ChannelAffine.ofBatchNorm(
                new double[] {2, 1}, new double[] {1, 0}, new double[] {3, -1}, new double[] {4, 0.25}, 0);
        assertArrayEquals(new double[] {1, 2}, a.scale());
        assertArrayEquals(new double[] {-2, 2}, a.shift(), "beta - mean * scale");
        assertThrows(
                ArithmeticException.class,
                () -> ChannelAffine.ofBatchNorm(
                        new double[] {1}, new double[] {0}, new double[] {0}, new double[] {-1}, 0.5));
    }

    @Test
    void scalesAlongTheGivenAxis() {
        ChannelAffine a = new ChannelAffine(new double[] {10, 100}, new double[] {0, 0});
        double[] w = {1, 2, 3, 4}; // [2,2]
        assertArrayEquals(new double[] {10, 20, 300, 400}, a.scaleAlong(w, new long[] {2, 2}, 0));
        assertArrayEquals(new double[] {10, 200, 30, 400}, a.scaleAlong(w, new long[] {2, 2}, 1));
    }

    @Test
    void biasesBeforeAndAfter() {
        ChannelAffine a = new ChannelAffine(new double[] {2, 3}, new double[] {1, -1});
        assertArrayEquals(new double[] {1, -1}, a.biasAfter(null));
        assertArrayEquals(new double[] {21, 29}, a.biasAfter(new double[] {10, 10}));
        // w [1 out, 2 in, 1x2]: b + sum w * shift = 5 + (1+2)*1 + (3+4)*(-1)
        assertArrayEquals(
                new double[] {1}, a.biasBefore(new double[] {1, 2, 3, 4}, new long[] {1, 2, 1, 2}, new double[] {5}));
    }

    @Test
    void halfRoundsOnceFromDouble() {
        // 1 + 2^-11 is the tie between the halves 1 and 1+2^-10; a hair above it must round up,
        // but through float (which rounds the hair away) it would tie to even, i.e. down.
        double above = 1 + 0x1p-11 + 0x1p-40;
        assertEquals(1 + 0x1p-10, HalfFloats.fromHalf(HalfFloats.toHalf(above)));
        assertEquals(1.0f, HalfFloats.fromHalf(HalfFloats.toHalf(1 + 0x1p-11)), "an exact tie goes to even");
        assertEquals(-2.5f, HalfFloats.fromHalf(HalfFloats.toHalf(-2.5)));
        assertEquals(0f, HalfFloats.fromHalf(HalfFloats.toHalf(1e-12)));
        Tensor t = Doubles.toTensor(ElementType.FLOAT16, new long[] {2}, new double[] {0.5, 65504});
        assertArrayEquals(new double[] {0.5, 65504}, Doubles.of(t));
    }
}
