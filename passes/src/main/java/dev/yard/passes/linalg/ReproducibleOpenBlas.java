package dev.yard.passes.linalg;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Makes OpenBLAS compute the same bits on every x86-64 machine: one kernel set and one
 * thread count, whatever CPU it runs on.
 *
 * <p>Why: OpenBLAS picks its kernels from the CPU at load time (Haswell's on an AVX2 part, or
 * on a Zen 5 that 0.3.21 does not know; SkylakeX's or Cooperlake's on an AVX-512 Xeon), and
 * each set sums in its own order; the number of threads changes how some routines split
 * their reductions (measured: the PP-OCRv3 recogniser's optimised file differs between 1 and 2
 * threads, and between the Haswell and SkylakeX kernels, on one machine). Yard's output files
 * must not depend on the machine, so before the library is loaded this sets
 * {@code OPENBLAS_CORETYPE=Haswell} (AVX2 and FMA: every machine Yard targets has them) in the
 * process environment, and once loaded checks that OpenBLAS took it and fixes its thread count
 * to {@link #THREADS}. A CPU without AVX2 and FMA, or an OpenBLAS that ignored the setting, is
 * reported and the native path is not used (the pure-Java kernels give the same bits
 * everywhere). A BLAS that is not OpenBLAS is left as it is.
 */
final class ReproducibleOpenBlas {
    private ReproducibleOpenBlas() {}

    /** The one kernel set: runs on any x86-64 CPU with AVX2 and FMA. */
    static final String CORE = "Haswell";

    /**
     * The one thread count. Two: the cores of the machines Yard is built for; a machine with
     * more cores leaves the rest idle in these kernels rather than change the bits.
     */
    static final int THREADS = 2;

    /**
     * Set to {@code false} to let OpenBLAS choose its kernels and threads for this CPU: faster on
     * some machines, but then the bytes Yard writes depend on the machine.
     */
    static final String PROPERTY = "yard.linalg.reproducible";

    /** The libc call that sets the environment the library's constructor will read. */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Prepares the environment for the library about to be loaded; returns why native code must
     * not be used, or null when it may.
     */
    static String beforeLoading() {
        if (!pinned()) {
            return null;
        }
        Set<String> flags = cpuFlags();
        if (flags != null && !(flags.contains("avx2") && flags.contains("fma"))) {
            return "this CPU lacks AVX2/FMA, which the one reproducible OpenBLAS kernel set needs";
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            if (libc.setenv("OPENBLAS_CORETYPE", CORE, 1) != 0
                    || libc.setenv("OPENBLAS_NUM_THREADS", Integer.toString(THREADS), 1) != 0) {
                return "cannot set OPENBLAS_CORETYPE in this process";
            }
            return null;
        } catch (LinkageError e) {
            return "cannot set OPENBLAS_CORETYPE in this process (" + e.getMessage() + ")";
        }
    }

    /**
     * Checks the loaded library ({@code libraryName} as the bindings opened it); returns a
     * description suffix when it is a pinned OpenBLAS, or throws when it did not take the pin.
     */
    static String afterLoading(String libraryName) {
        if (!pinned()) {
            return "; OpenBLAS chooses its kernels for this CPU (-D" + PROPERTY + "=false)";
        }
        Function coreName;
        Function setThreads;
        try {
            NativeLibrary lib = NativeLibrary.getInstance(libraryName);
            coreName = lib.getFunction("openblas_get_corename");
            setThreads = lib.getFunction("openblas_set_num_threads");
        } catch (UnsatisfiedLinkError e) {
            return ""; // not OpenBLAS: nothing to pin
        }
        String core = coreName.invokeString(new Object[0], false);
        if (core == null || !core.trim().equalsIgnoreCase(CORE)) {
            throw new IllegalStateException("OpenBLAS runs its " + core + " kernels, not " + CORE
                    + " (loaded before Yard could choose?): results would differ between machines");
        }
        setThreads.invokeVoid(new Object[] {THREADS});
        return "; OpenBLAS " + CORE + " kernels, " + THREADS + " threads, on every machine";
    }

    /** Whether to pin: on x86-64 (one kernel set per architecture elsewhere), unless switched off. */
    private static boolean pinned() {
        String arch = System.getProperty("os.arch", "");
        return (arch.equals("amd64") || arch.equals("x86_64"))
                && !"false"
                        .equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }

    /** The CPU's feature flags from /proc/cpuinfo, or null when they cannot be read. */
    private static Set<String> cpuFlags() {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return null;
        }
        try (var lines = Files.lines(info)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> Set.copyOf(Arrays.asList(l.substring(l.indexOf(':') + 1)
                            .trim()
                            .toLowerCase(Locale.ROOT)
                            .split("\\s+"))))
                    .orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
