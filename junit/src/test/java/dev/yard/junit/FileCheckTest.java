package dev.yard.junit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileCheckTest {
    static final String OUTPUT = """
            g (float[1,8,7,8] x) => (float[1,6,4,4] y)
               <float[6,8,3,3] last_weight = sha256:06cc84d5>
            {
               [last] y = Conv <pads: ints = [1, 0, 1, 1], strides: ints = [2, 2]> (x, last_weight)
            }
            """;

    private static List<FileCheck.Directive> directives(String... lines) {
        List<FileCheck.Directive> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            out.add(FileCheck.parse(lines[i], i + 1));
        }
        return out;
    }

    @Test
    void checksInOrderWithCapturesAndRegularExpressions() {
        assertNull(FileCheck.check(
                directives(
                        "# check: <float[6,8,3,3] [[W:\\w+]] = sha256:",
                        "# check-next: {",
                        "# check-next: Conv <pads: ints = [{{[0-9, ]+}}], strides: ints = [2, 2]> (x, [[W]])",
                        "# check-not: Conv"),
                OUTPUT));
    }

    @Test
    void saysWhichDirectiveFailedAndWhere() {
        String wrongPads = FileCheck.check(directives("# check: Conv", "# check: pads: ints = [1, 1, 1, 1]"), OUTPUT);
        assertTrue(wrongPads.startsWith("line 2: check: pads: ints = [1, 1, 1, 1]"), wrongPads);
        // The capture must be what was declared: a conv reading another weight does not match.
        String otherWeight =
                FileCheck.check(directives("# check: float[6,8,3,3] [[W:\\w+]] =", "# check: (x, [[W]]_1)"), OUTPUT);
        assertTrue(otherWeight.contains("matches nothing"), otherWeight);
        String notNext = FileCheck.check(directives("# check: g (", "# check-next: {"), OUTPUT);
        assertTrue(notNext.startsWith("line 2: check-next: {"), notNext);
        String forbidden = FileCheck.check(directives("# check: {", "# check-not: Conv", "# check: }"), OUTPUT);
        assertTrue(forbidden.contains("found on line 4"), forbidden);
        // check-not before the first match looks from the top; after the last one, to the end.
        assertTrue(
                FileCheck.check(directives("# check-not: Relu", "# check: Conv", "# check-not: Conv"), OUTPUT) == null);
        assertTrue(FileCheck.check(directives("# check-not: sha256", "# check: Conv"), OUTPUT) != null);
    }

    @Test
    void refusesMalformedDirectives() {
        assertThrows(IllegalArgumentException.class, () -> FileCheck.parse("# check:   ", 3));
        assertTrue(FileCheck.check(directives("# check-next: g"), OUTPUT).contains("needs a check before it"));
        assertThrows(IllegalArgumentException.class, () -> FileCheck.check(directives("# check: [[W]]"), OUTPUT));
        assertNull(FileCheck.parse("# expect:", 1));
    }
}
