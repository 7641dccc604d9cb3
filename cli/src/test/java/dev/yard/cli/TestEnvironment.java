package dev.yard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests find what the README's test command installs: the cache folder (models,
 * the Python environment) and ONNX's backend test data. A missing piece fails the test with
 * a message that says how to get it; nothing is skipped silently.
 */
final class TestEnvironment {
    static final Path ONNX_TEST_DATA = Path.of("/usr/share/libonnx-testdata/data");

    private TestEnvironment() {}

    static Path cache() {
        String c = System.getProperty("yard.cache");
        return Path.of(c != null ? c : System.getProperty("user.home") + "/.cache/yard");
    }

    static Path python() {
        String p = System.getProperty("yard.python");
        Path py = p != null ? Path.of(p) : cache().resolve("venv/bin/python");
        if (!Files.isExecutable(py)) {
            throw new IllegalStateException("no Python environment at " + py + ": run scripts/test, which creates it");
        }
        return py;
    }

    static Path require(Path p, String what) {
        if (!Files.exists(p)) {
            throw new IllegalStateException(what + " not found at " + p + ": run scripts/test, which installs it");
        }
        return p;
    }

    /**
     * A real model as a file in {@code work}: {@code classpath:RESOURCE} is copied out of a
     * Maven test dependency, {@code cache:PATH} is a file the set-up script fetched.
     */
    static Path materialize(Path work, String name, String where) throws IOException {
        if (where.startsWith("cache:")) {
            return require(cache().resolve(where.substring(6)), name);
        }
        String res = where.substring("classpath:".length());
        try (java.io.InputStream in = TestEnvironment.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException(res + " is not on the test class path (Maven test dependency)");
            }
            Path p = work.resolve(name + ".onnx");
            Files.copy(in, p);
            return p;
        }
    }

    /** ||expected - actual|| / ||expected||. */
    static double relativeL2(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(expected.length + " values expected, got " + actual.length);
        }
        return dev.yard.ir.analysis.RelativeL2.of(expected, actual);
    }

    /** Runs a command, failing with its output if it exits non-zero. */
    static String run(List<String> command, long timeoutMinutes) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("command failed (" + p.exitValue() + "): " + command + "\n" + text);
        }
        return text;
    }
}
