package dev.yard.passes.linalg;

import java.util.Arrays;

/**
 * Run in a child JVM by {@link NativeDecompositionsTest}: prints whether native kernels loaded,
 * the description, and a fingerprint of a Tucker-2 and an SVD fit that uses every kernel.
 */
public final class NativeProbe {
    private NativeProbe() {}

    public static void main(String[] args) {
        System.out.println(NativeLinearAlgebra.available());
        System.out.println(NativeLinearAlgebra.description());
        System.out.println(fingerprint());
    }

    /** Exact bits of a few fits' factors, as one line. */
    static String fingerprint() {
        DenseTensor w = Fixtures.decayingKernel(61, 96, 80, 3, 3);
        TuckerTwoFactors t = TuckerTwo.fit(w, 24, 20);
        LowRankFactors s = TruncatedSvd.fit(
                w.reshape(96, 720), 16, TruncatedSvd.Options.DEFAULT.with(TruncatedSvd.Algorithm.RANDOMIZED));
        return Integer.toHexString(Arrays.hashCode(t.core().data())) + " "
                + Integer.toHexString(Arrays.hashCode(t.first().data())) + " "
                + Integer.toHexString(Arrays.hashCode(s.first().data())) + " " + Double.toHexString(t.relativeError());
    }
}
