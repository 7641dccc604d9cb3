package dev.yard.junit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.yard.ir.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Golden tests of Yard pipelines for a JUnit 5 suite: every {@code *.golden} file of a folder,
 * one dynamic test per case. A case is a model (ONNX's textual syntax, weights may be generated
 * with {@code randn(seed=S, scale=X)}; or {@code # model: FILE}, a model file relative to the
 * golden file), the pipeline that runs on it ({@code # pipeline:} for
 * the file or the case), and what must come out: the whole compact text, {@code unchanged}, or
 * FileCheck-style lines ({@code # check:}, {@code # check-next:}, {@code # check-not:},
 * {@code {{regex}}}, captures {@code [[NAME:regex]]} then {@code [[NAME]]}); plus the layers the
 * passes skipped, with why ({@code # skipped:}). The model runs in ONNX Runtime before and after
 * the pipeline and must agree within {@code # tolerance: rtol=.. atol=..}.
 *
 * <pre>{@code
 * class ModelGoldenTest {
 *     @TestFactory
 *     Stream<DynamicNode> goldens() {
 *         return GoldenTests.in(Path.of("src/test/golden"));
 *     }
 * }
 * }</pre>
 *
 * <p>A difference from a whole-text expectation fails with a unified diff numbered as the file
 * is. With {@code -Dyard.golden.update=true}, whole-text expectations and skip lines are
 * rewritten from what the pipeline printed (checks are kept as written and must still hold; the run in ONNX Runtime
 * must still agree).
 */
public final class GoldenTests {
    /** The system property that rewrites expectations instead of failing on them. */
    public static final String UPDATE_PROPERTY = "yard.golden.update";

    private GoldenTests() {}

    /** Whether this run rewrites expectations ({@code -Dyard.golden.update=true}). */
    public static boolean updating() {
        return Boolean.getBoolean(UPDATE_PROPERTY);
    }

    /**
     * Asserts that {@code actual} is the content of the expectation file {@code expected} (a
     * generated module, a printed model): a difference fails with a unified diff numbered as
     * the file is, and a missing file fails too. With {@code -Dyard.golden.update=true} the file
     * is written (atomically) instead.
     */
    public static void assertMatchesFile(Path expected, String actual) {
        if (updating()) {
            AtomicFile.write(expected, out -> out.write(actual.getBytes(StandardCharsets.UTF_8)));
            return;
        }
        if (!Files.isRegularFile(expected)) {
            fail("no expectation " + expected + " (write it with -D" + UPDATE_PROPERTY + "=true)");
        }
        String text;
        try {
            text = Files.readString(expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String diff = TextDiff.unified(String.valueOf(expected.getFileName()), text, actual, 1);
        if (diff != null) {
            fail(expected + " differs from what was produced:\n" + diff + "(-D" + UPDATE_PROPERTY
                    + "=true rewrites it)");
        }
    }

    /** One container of tests per golden file of {@code folder}; a folder with none fails. */
    public static Stream<DynamicNode> in(Path folder) {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.toString().endsWith(".golden")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list golden files in " + folder.toAbsolutePath(), e);
        }
        assertFalse(files.isEmpty(), "no golden files in " + folder.toAbsolutePath());
        return files.stream().map(GoldenTests::container);
    }

    private static DynamicContainer container(Path path) {
        GoldenFile file;
        try {
            file = GoldenFile.read(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean update = updating();
        int n = file.cases().size();
        List<String> outputs = new ArrayList<>(Collections.nCopies(n, null));
        List<List<String>> skipped = new ArrayList<>(Collections.nCopies(n, List.of()));
        boolean[] ran = new boolean[n];
        List<DynamicNode> tests = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int index = k;
            GoldenFile.Case c = file.cases().get(k);
            tests.add(DynamicTest.dynamicTest(c.title(), path.toUri(), () -> {
                GoldenRunner.Outcome o = GoldenRunner.run(file, c);
                outputs.set(index, o.output());
                skipped.set(index, o.skipped());
                ran[index] = o.numericProblem() == null;
                // An update rewrites whole-text expectations and skip lines; checks stay as written
                // and fail on their own.
                List<String> problems = new ArrayList<>(update ? List.of() : o.textProblems());
                if (o.checkProblem() != null) {
                    problems.add(o.checkProblem());
                }
                if (o.numericProblem() != null) {
                    problems.add(o.numericProblem());
                }
                if (!problems.isEmpty()) {
                    fail(path.getFileName() + ":" + c.line() + ": case '" + c.title() + "':\n"
                            + String.join("\n", problems)
                            + (update ? "" : "\n(-D" + UPDATE_PROPERTY + "=true rewrites whole-text expectations)"));
                }
            }));
        }
        if (update) {
            tests.add(DynamicTest.dynamicTest("update " + path.getFileName(), () -> {
                for (int k = 0; k < n; k++) {
                    if (!ran[k]) {
                        fail("not rewriting " + path + ": case '"
                                + file.cases().get(k).title() + "' did not run or failed in ONNX Runtime");
                    }
                }
                String text = GoldenFile.render(file, outputs, skipped);
                if (!text.equals(Files.readString(path))) {
                    dev.yard.ir.io.AtomicFile.write(
                            path, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    System.out.println("golden: rewrote " + path);
                }
            }));
        }
        return DynamicContainer.dynamicContainer(path.getFileName().toString(), path.toUri(), tests.stream());
    }
}
