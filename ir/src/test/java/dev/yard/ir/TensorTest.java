package dev.yard.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void halfPrecisionRoundTripsEveryFiniteValue() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = HalfFloats.fromHalf(h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.fromHalf(HalfFloats.toHalf(f))));
                continue;
            }
            assertEquals(h, HalfFloats.toHalf(f), "half bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void doublesRoundOnceToSixteenBits() {
        // Just above the tie between 1 and the next value: through float the 2^-40 is lost, the
        // value lands on the tie and goes to even (1); rounded once it goes up.
        double aboveHalfTie = 1 + 0x1p-11 + 0x1p-40;
        assertEquals(1.0f, HalfFloats.fromHalf(HalfFloats.toHalf((float) aboveHalfTie)), "rounded twice");
        assertEquals(1.0f + 0x1p-10f, HalfFloats.fromHalf(HalfFloats.toHalf(aboveHalfTie)));
        double aboveBfloatTie = 1 + 0x1p-8 + 0x1p-40;
        assertEquals(1.0f + 0x1p-7f, HalfFloats.round(ElementType.BFLOAT16, aboveBfloatTie));
        assertEquals(1.0f, HalfFloats.round(ElementType.BFLOAT16, (float) aboveBfloatTie), "rounded twice");
        // An exact tie still goes to even; the largest half stays finite; beyond it is infinite.
        assertEquals(1.0f, HalfFloats.round(ElementType.FLOAT16, 1 + 0x1p-11));
        assertEquals(65504f, HalfFloats.round(ElementType.FLOAT16, 65504.0));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.round(ElementType.FLOAT16, 70000.0));
        Tensor t = Tensor.ofDoublesAs(ElementType.FLOAT16, new long[] {2}, new double[] {aboveHalfTie, -2.5});
        assertEquals(1.0 + 0x1p-10, t.getDouble(0));
        assertEquals(-2.5, t.getDouble(1));
    }

    @Test
    void halfRoundsToNearestEven() {
        // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to even (1).
        assertEquals(1.0f, HalfFloats.fromHalf(HalfFloats.toHalf(1.0f + 0x1p-11f)));
        assertEquals(1.0f + 0x1p-10f, HalfFloats.fromHalf(HalfFloats.toHalf(1.0f + 0x1.8p-11f)));
        assertEquals(65504f, HalfFloats.fromHalf(HalfFloats.toHalf(65504f)));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.fromHalf(HalfFloats.toHalf(70000f)));
        assertEquals(0x1p-24f, HalfFloats.fromHalf(HalfFloats.toHalf(0x1p-24f)));
    }

    @Test
    void bfloat16KeepsTheHighBitsRounded() {
        assertEquals(1.0f, HalfFloats.fromBfloat16(HalfFloats.toBfloat16(1.0f)));
        assertEquals(3.140625f, HalfFloats.fromBfloat16(HalfFloats.toBfloat16(3.14159f)));
    }

    @Test
    void floatsAreStoredPackedLittleEndian() {
        Tensor t = Tensor.ofFloats(new long[] {2, 2}, 1f, 2f, 3f, -4f);
        assertEquals(16, t.byteSize());
        assertEquals(0x3f800000, t.raw().getInt(0));
        assertArrayEquals(new float[] {1f, 2f, 3f, -4f}, t.toFloatArray());
        assertEquals(-4.0, t.getDouble(3));
    }

    @Test
    void float16TensorsConvertOnAccess() {
        Tensor t = Tensor.ofFloatsAs(ElementType.FLOAT16, new long[] {3}, new float[] {0.5f, -2f, 1000f});
        assertEquals(6, t.byteSize());
        assertArrayEquals(new float[] {0.5f, -2f, 1000f}, t.toFloatArray());
    }

    @Test
    void fourBitTypesShareBytes() {
        assertEquals(3, ElementType.INT4.byteSize(5));
        Tensor t = Tensor.ofRaw(ElementType.UINT4, new long[] {5}, ByteBuffer.allocate(3));
        assertEquals(5, t.elementCount());
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.ofRaw(ElementType.UINT4, new long[] {5}, ByteBuffer.allocate(2)));
    }

    @Test
    void wrongByteCountIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.ofRaw(ElementType.FLOAT, new long[] {3}, ByteBuffer.allocate(8)));
        assertTrue(e.getMessage().contains("needs 12 bytes"), e.getMessage());
    }

    @Test
    void digestAndEqualityFollowContent() {
        Tensor a = Tensor.ofFloats(new long[] {2}, 1f, 2f);
        Tensor b = Tensor.ofFloats(new long[] {2}, 1f, 2f);
        Tensor c = Tensor.ofFloats(new long[] {2}, 1f, 3f);
        Tensor d = Tensor.ofFloats(new long[] {2, 1}, 1f, 2f);
        assertTrue(a.contentEquals(b));
        assertEquals(a.digest(), b.digest());
        assertFalse(a.contentEquals(c));
        assertNotEquals(a.digest(), c.digest());
        assertFalse(a.contentEquals(d));
        assertNotEquals(a.digest(), d.digest());
    }

    @Test
    void stringTensorsHoldBytes() {
        Tensor s = Tensor.ofStrings(
                new long[] {2},
                List.of(
                        "a".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "bc".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(3, s.byteSize());
        assertThrows(IllegalStateException.class, s::raw);
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.ofStrings(new long[] {3}, List.of("a".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void unsignedAndSmallIntegersWidenCorrectly() {
        ByteBuffer b = ByteBuffer.allocate(2);
        b.put((byte) -1).put((byte) 7).flip();
        Tensor u8 = Tensor.ofRaw(ElementType.UINT8, new long[] {2}, b);
        assertArrayEquals(new long[] {255, 7}, u8.toLongArray());
        Tensor i8 = Tensor.ofRaw(ElementType.INT8, new long[] {2}, ByteBuffer.wrap(new byte[] {-1, 7}));
        assertArrayEquals(new long[] {-1, 7}, i8.toLongArray());
        Tensor u64 = Tensor.ofRaw(
                ElementType.UINT64,
                new long[] {1},
                ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, -1L));
        assertEquals(18446744073709551615.0, u64.getDouble(0));
    }
}
