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
            {
                "{\"mcpu\": \"core-avx2\"}",
                "expected 'host', a built-in target (x86-64-avx2, x86-64-avx512, arm64-cortex-a76) or a JSON object with a string \"kind\""
            },
            {
                "{\"kind\": 3}",
                "expected 'host', a built-in target (x86-64-avx2, x86-64-avx512, arm64-cortex-a76) or a JSON object with a string \"kind\""
            },
            {
                "[\"llvm\"]",
                "expected 'host', a built-in target (x86-64-avx2, x86-64-avx512, arm64-cortex-a76) or a JSON object with a string \"kind\""
            },
            {"{\"kind\": \"llvm\"", "not JSON"},
            {"llvm", "expected 'host', a built-in target"},
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

    private static RelaxModule relu() {
        return RelaxEmitter.emit(OnnxTextReader.parse("""
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[1,2] x) => (float[1,2] y) {
                   y = Relu (x)
                }
                """, "relu.onnxtxt"));
    }

    @Test
    void builtInTargetsResolveToJsonAndNameTheirArchitecture() {
        for (String name : TvmToolchain.NAMED_TARGETS) {
            String json = TvmToolchain.resolveTarget(name);
            TvmToolchain.checkTarget(json);
            assertTrue(json.contains("\"mtriple\""), json);
        }
        assertEquals("aarch64", TvmToolchain.foreignArchitecture(TvmToolchain.resolveTarget("arm64-cortex-a76")));
        String here = System.getProperty("os.arch");
        if (here.equals("amd64")) {
            assertEquals(null, TvmToolchain.foreignArchitecture(TvmToolchain.resolveTarget("x86-64-avx2")));
        }
        assertEquals(null, TvmToolchain.foreignArchitecture(TvmToolchain.HOST_TARGET));
        assertEquals(null, TvmToolchain.foreignArchitecture("{\"kind\": \"llvm\", \"mcpu\": \"core-avx2\"}"));
        YardException e = assertThrows(YardException.class, () -> TvmToolchain.resolveTarget("arm64"));
        assertTrue(e.isBadInput() && e.getMessage().contains("arm64-cortex-a76"), e.getMessage());
    }

    /** What a cross build produced: the ELF machine number in its header. */
    private static int elfMachine(Path lib) throws java.io.IOException {
        byte[] h = Files.readAllBytes(lib);
        assertEquals(0x7f, h[0]);
        assertEquals('E', h[1]);
        return (h[18] & 0xff) | (h[19] & 0xff) << 8;
    }

    @Test
    void anArm64TargetIsCrossCompiledIntoAnAarch64LibraryThatIsNotLoadedHere() throws Exception {
        Path out = tmp.resolve("relu-arm64");
        Path lib = TvmToolchain.locate().build(relu(), out, "arm64-cortex-a76").library();
        assertEquals(183, elfMachine(lib), "not an AArch64 ELF");
        if (System.getProperty("os.arch").equals("amd64")) {
            YardException e = assertThrows(
                    YardException.class,
                    () -> dev.yard.backend.tvm.ffi.TvmModel.load(
                            TvmToolchain.locate().runtime(), lib));
            assertTrue(e.isBadInput(), e.getMessage());
            assertTrue(
                    e.getMessage().endsWith("module.so: built for AArch64, this host runs x86-64 (deploy it there)"),
                    e.getMessage());
        }
    }

    @Test
    void aCrossTargetWithoutItsToolchainIsBadInputNamingTheCompiler() {
        Path out = tmp.resolve("relu-riscv");
        YardException e = assertThrows(
                YardException.class,
                () -> TvmToolchain.locate()
                        .build(relu(), out, "{\"kind\": \"llvm\", \"mtriple\": \"riscv64-linux-gnu\"}"));
        assertTrue(e.isBadInput(), e.getMessage());
        assertTrue(
                e.getMessage().contains("cross-compiling for riscv64-linux-gnu needs riscv64-linux-gnu-g++"),
                e.getMessage());
        assertEquals(1, e.getMessage().strip().lines().count(), e.getMessage());
        assertFalse(Files.exists(out.resolve("module.so")));
    }
}
