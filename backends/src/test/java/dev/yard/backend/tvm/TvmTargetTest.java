package dev.yard.backend.tvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.ir.YardException;
import dev.yard.ir.text.OnnxTextReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad {@code --target}: bad input in one line, from Yard's own check or from TVM, never a traceback. */
class TvmTargetTest {
    @TempDir
    Path tmp;

    @Test
    void targetsThatAreNotAJsonObjectWithAKindAreRefusedBeforeTvmRuns() {
        String[][] cases = {
            {"{\"mcpu\": \"core-avx2\"}", "expected 'host' or a JSON object with a string \"kind\""},
            {"{\"kind\": 3}", "expected 'host' or a JSON object with a string \"kind\""},
            {"[\"llvm\"]", "expected 'host' or a JSON object with a string \"kind\""},
            {"{\"kind\": \"llvm\"", "not JSON"},
            {"llvm", "expected 'host' or a JSON object"},
        };
        for (String[] c : cases) {
            YardException e = assertThrows(YardException.class, () -> TvmToolchain.checkTarget(c[0]), c[0]);
            assertTrue(e.isBadInput(), c[0]);
            assertTrue(e.getMessage().startsWith("--target " + c[0] + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        TvmToolchain.checkTarget(TvmToolchain.HOST_TARGET);
        TvmToolchain.checkTarget("{\"kind\": \"llvm\", \"mcpu\": \"core-avx2\"}");
    }

    @Test
    void aKindTvmDoesNotKnowIsBadInputInOneLineAndLeavesNoLibrary() {
        RelaxModule module = RelaxEmitter.emit(OnnxTextReader.parse("""
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[1,2] x) => (float[1,2] y) {
                   y = Relu (x)
                }
                """, "relu.onnxtxt"));
        Path out = tmp.resolve("relu");
        YardException e = assertThrows(
                YardException.class, () -> TvmToolchain.locate().build(module, out, "{\"kind\": \"no-such-kind\"}"));
        assertTrue(e.isBadInput(), e.getMessage());
        assertTrue(
                e.getMessage().contains("--target {\"kind\": \"no-such-kind\"}: TVM refused the target"),
                e.getMessage());
        assertEquals(1, e.getMessage().strip().lines().count(), e.getMessage());
        assertFalse(e.getMessage().contains("Traceback"), e.getMessage());
        assertFalse(Files.exists(out.resolve("module.so")));
    }
}
