package dev.yard.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The golden library as a user's suite runs it: failures, their diffs, and the update flag. */
class GoldenTestsTest {
    @TempDir
    Path dir;

    private static final String CASE = """
            # pipeline: fold-batchnorm,dce
            # tolerance: rtol=1e-5 atol=1e-6

            # ----- case: a batch norm after a conv folds into it
            g (float[1,2,4,4] x) => (float[1,2,4,4] y)
               <float[2,2,1,1] W = randn(seed=1, scale=0.5), float[2] s = randn(seed=2, scale=0.1),
                float[2] b = randn(seed=3, scale=0.1), float[2] m = randn(seed=4, scale=0.1),
                float[2] v = uniform(seed=5, lo=0.5, hi=1.5)>
            {
               [conv] c = Conv (x, W)
               y = BatchNormalization (c, s, b, m, v)
            }
            # expect:
            """;

    /** Runs every test of the nodes; returns the failures' messages in order. */
    private static List<String> run(Stream<DynamicNode> nodes) throws Throwable {
        List<String> failures = new ArrayList<>();
        for (DynamicNode n : nodes.toList()) {
            if (n instanceof DynamicContainer c) {
                failures.addAll(run(c.getChildren().map(x -> (DynamicNode) x)));
            } else {
                try {
                    ((DynamicTest) n).getExecutable().execute();
                } catch (AssertionFailedError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        return failures;
    }

    private static List<String> runUpdating(Path folder) throws Throwable {
        System.setProperty(GoldenTests.UPDATE_PROPERTY, "true");
        try {
            return run(GoldenTests.in(folder));
        } finally {
            System.clearProperty(GoldenTests.UPDATE_PROPERTY);
        }
    }

    @Test
    void aWrongExpectationFailsWithAUnifiedDiffNumberedAsTheFileIsAndTheUpdateFlagFixesIt() throws Throwable {
        Path golden = dir.resolve("fold.golden");
        // The expectation starts at line 14 of the file; its second line is wrong.
        Files.writeString(golden, CASE + "g (float[1,2,4,4] x) => (float[1,2,4,4] y)\n   <nothing>\n{\n}\n");
        List<String> failures = run(GoldenTests.in(dir));
        assertEquals(1, failures.size(), failures.toString());
        String message = failures.get(0);
        assertTrue(message.startsWith("fold.golden:4: case 'a batch norm after a conv folds into it':"), message);
        assertTrue(message.contains("--- fold.golden (expected)\n+++ actual\n@@ -14,"), message);
        assertTrue(message.contains("\n-   <nothing>\n"), message);
        assertTrue(message.contains("\n+   [conv] y = Conv"), message);
        assertTrue(message.contains("-Dyard.golden.update=true"), message);

        assertEquals(List.of(), runUpdating(dir));
        String updated = Files.readString(golden);
        assertTrue(updated.contains("[conv] y = Conv"), updated);
        assertEquals(List.of(), run(GoldenTests.in(dir)), "the rewritten expectation holds");
    }

    @Test
    void checksStateWhatMattersAndAModelFileMayBeNamed() throws Throwable {
        Files.writeString(dir.resolve("model.onnxtxt"), """
                <
                   ir_version: 8,
                   opset_import: ["" : 17]
                >
                g (float[1,2] x) => (float[1,2] y)
                {
                   t = Relu (x)
                   y = Identity (t)
                }
                """);
        Path golden = dir.resolve("file.golden");
        Files.writeString(golden, """
                # pipeline: dce

                # ----- case: a model file, checked
                # model: model.onnxtxt
                # expect:
                # check: t = Relu (x)
                # check-next: y = Identity (t)
                # check-not: Conv
                """);
        assertEquals(List.of(), run(GoldenTests.in(dir)));
        Files.writeString(
                golden, Files.readString(golden).replace("# check: t = Relu (x)", "# check: t = Sigmoid (x)"));
        List<String> failures = run(GoldenTests.in(dir));
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("t = Sigmoid (x)"), failures.get(0));
        // Checks are kept as written by an update, and still fail.
        String before = Files.readString(golden);
        assertEquals(1, runUpdating(dir).size());
        assertEquals(before, Files.readString(golden));
    }

    @Test
    void anApproximatingPipelineIsHeldToARelativeL2Tolerance() throws Throwable {
        String golden = """
                # pipeline: decompose{method=svd rank=0.25 force=true},dce
                # tolerance: rel-l2=TOL

                # ----- case: a rank-1 product of a 4x4 Gemm
                g (float[2,4] x) => (float[2,4] y)
                   <float[4,4] W = randn(seed=1, scale=0.5)>
                {
                   y = MatMul (x, W)
                }
                # expect:
                # check: MatMul
                # check: MatMul
                """;
        Files.writeString(dir.resolve("svd.golden"), golden.replace("TOL", "0.9"));
        assertEquals(List.of(), run(GoldenTests.in(dir)));
        Files.writeString(dir.resolve("svd.golden"), golden.replace("TOL", "0.01"));
        List<String> failures = run(GoldenTests.in(dir));
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("output y has relative L2 error 0."), failures.get(0));
        assertTrue(failures.get(0).contains("above rel-l2=0.01"), failures.get(0));
    }

    @Test
    void aWholeFileExpectationFailsWithADiffIsNeverWrittenSilentlyAndIsRewrittenOnRequest() throws Throwable {
        Path expected = dir.resolve("module.py");
        AssertionFailedError missing =
                assertThrows(AssertionFailedError.class, () -> GoldenTests.assertMatchesFile(expected, "a\nb\n"));
        assertTrue(missing.getMessage().startsWith("no expectation " + expected), missing.getMessage());
        assertTrue(Files.notExists(expected), "a missing expectation was written");

        Files.writeString(expected, "a\nx\n");
        AssertionFailedError differs =
                assertThrows(AssertionFailedError.class, () -> GoldenTests.assertMatchesFile(expected, "a\nb\n"));
        assertTrue(differs.getMessage().contains("@@ -1,2 +1,2 @@\n a\n-x\n+b\n"), differs.getMessage());

        System.setProperty(GoldenTests.UPDATE_PROPERTY, "true");
        try {
            GoldenTests.assertMatchesFile(expected, "a\nb\n");
        } finally {
            System.clearProperty(GoldenTests.UPDATE_PROPERTY);
        }
        assertEquals("a\nb\n", Files.readString(expected));
        GoldenTests.assertMatchesFile(expected, "a\nb\n");
    }

    @Test
    void aFolderWithoutGoldenFilesFails() {
        assertThrows(AssertionFailedError.class, () -> GoldenTests.in(dir));
    }
}
