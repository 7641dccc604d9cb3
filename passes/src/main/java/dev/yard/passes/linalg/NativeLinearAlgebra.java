package dev.yard.passes.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the numerical core runs its large products and eigensolvers on the system's native
 * BLAS and LAPACK (through {@code dev.ludovic.netlib}'s JNI bindings to {@code libblas.so.3} and
 * {@code liblapack.so.3}; on Debian, OpenBLAS from {@code libopenblas0}) or on EJML in pure Java.
 *
 * <p>Native code is used when it loads; otherwise, or with the system property
 * {@code yard.linalg.native=false}, every kernel runs on EJML, with the same results up to
 * rounding. Either way the same input gives the same bits on every machine with a given
 * library: OpenBLAS is held to one kernel set and thread count ({@link ReproducibleOpenBlas}).
 */
public final class NativeLinearAlgebra {
    private NativeLinearAlgebra() {}

    /** Set to {@code false} to force the pure-Java kernels even when native ones load. */
    public static final String PROPERTY = "yard.linalg.native";

    /**
     * The bindings log a warning for each pure-Java variant they cannot build (their vectorised
     * one needs an incubator module), which says nothing about the native code used here; what
     * was loaded and why is in {@link #description()} instead. Held here so the levels stick.
     */
    private static final Logger[] QUIET = quietBindings("dev.ludovic.netlib.blas", "dev.ludovic.netlib.lapack");

    /** The bindings' property naming the BLAS library they open. */
    private static final String BLAS_LIBRARY_PROPERTY = "dev.ludovic.netlib.blas.nativeLib";

    private static final Loaded LOADED = load();

    /** Lets tests run one computation on the pure-Java kernels in a JVM that has native ones. */
    private static final ThreadLocal<Boolean> FORCE_JAVA = ThreadLocal.withInitial(() -> false);

    private record Loaded(BLAS blas, LAPACK lapack, String description) {}

    /** True when the native kernels loaded and are not switched off by {@link #PROPERTY}. */
    public static boolean available() {
        return LOADED.blas() != null;
    }

    /** One line for reports: which implementation runs, or why native code is not used. */
    public static String description() {
        return LOADED.description();
    }

    /** True when the current thread's kernels should be native. */
    static boolean enabled() {
        return LOADED.blas() != null && !FORCE_JAVA.get();
    }

    static BLAS blas() {
        return LOADED.blas();
    }

    static LAPACK lapack() {
        return LOADED.lapack();
    }

    /** Runs {@code task} with the pure-Java kernels on this thread, whatever is available. */
    static <T> T withPureJava(Supplier<T> task) {
        boolean before = FORCE_JAVA.get();
        FORCE_JAVA.set(true);
        try {
            return task.get();
        } finally {
            FORCE_JAVA.set(before);
        }
    }

    private static Loaded load() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
            return new Loaded(
                    null, null, "EJML (pure Java; native BLAS/LAPACK switched off by -D" + PROPERTY + "=false)");
        }
        String refused = ReproducibleOpenBlas.beforeLoading();
        if (refused != null) {
            return new Loaded(null, null, "EJML (pure Java; native BLAS/LAPACK not used: " + refused + ")");
        }
        try {
            BLAS blas = NativeBLAS.getInstance();
            LAPACK lapack = NativeLAPACK.getInstance();
            String pinned =
                    ReproducibleOpenBlas.afterLoading(System.getProperty(BLAS_LIBRARY_PROPERTY, "libblas.so.3"));
            return new Loaded(blas, lapack, "native BLAS/LAPACK through JNI" + mappedLibraries() + pinned);
        } catch (Throwable e) { // a missing library surfaces as a RuntimeException or a LinkageError
            return new Loaded(null, null, "EJML (pure Java; native BLAS/LAPACK not loaded: " + rootMessage(e) + ")");
        }
    }

    private static Logger[] quietBindings(String... names) {
        Logger[] loggers = new Logger[names.length];
        for (int i = 0; i < names.length; i++) {
            loggers[i] = Logger.getLogger(names[i]);
            if (loggers[i].getLevel() == null) { // unless configured
                loggers[i].setLevel(Level.SEVERE);
            }
        }
        return loggers;
    }

    /** The shared objects behind libblas/liblapack, when the process map says (Linux). */
    private static String mappedLibraries() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return "";
        }
        TreeSet<String> libraries = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String file = line.substring(slash);
                String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                if ((name.contains("blas") || name.contains("lapack")) && !name.contains("netlib")) {
                    libraries.add(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return libraries.isEmpty() ? "" : " (" + String.join(", ", libraries) + ")";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
