package dev.yard.golden;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden file under {@code src/test/resources/golden} (or {@code -Dgolden.dir}), one
 * dynamic test per case. With {@code -Dgolden.update=true} the expectations are rewritten in
 * place from what the pipeline printed and remarked (the numeric check in ONNX Runtime still
 * has to pass), and the cases do not fail on text.
 */
class GoldenTest {
    static final Path DIR = Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    @TestFactory
    Stream<DynamicNode> goldenFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".golden")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no golden files in " + DIR.toAbsolutePath());
        return files.stream().map(GoldenTest::container);
    }

    private static DynamicContainer container(Path path) {
        GoldenFile file;
        try {
            file = GoldenFile.read(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
                List<String> problems = new ArrayList<>(UPDATE ? List.of() : o.textProblems());
                if (o.numericProblem() != null) {
                    problems.add(o.numericProblem());
                }
                if (!problems.isEmpty()) {
                    fail(path.getFileName() + ":" + c.line() + ": case '" + c.title() + "':\n"
                            + String.join("\n", problems));
                }
            }));
        }
        if (UPDATE) {
            tests.add(DynamicTest.dynamicTest("update " + path.getFileName(), () -> {
                for (int k = 0; k < n; k++) {
                    if (!ran[k]) {
                        fail("not rewriting " + path + ": case '"
                                + file.cases().get(k).title() + "' did not run or failed in ONNX Runtime");
                    }
                }
                String text = GoldenFile.render(file, outputs, skipped);
                if (!text.equals(Files.readString(path))) {
                    Files.writeString(path, text);
                    System.out.println("golden: rewrote " + path);
                }
            }));
        }
        return DynamicContainer.dynamicContainer(path.getFileName().toString(), path.toUri(), tests.stream());
    }
}
