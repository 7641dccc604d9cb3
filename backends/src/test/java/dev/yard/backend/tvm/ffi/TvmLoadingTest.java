package dev.yard.backend.tvm.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.ir.text.OnnxTextReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading TVM into the JVM. TVM's shared libraries install crash handlers for SIGSEGV and
 * SIGBUS when they load; the JVM takes SIGSEGV for its own null checks, so a TVM handler left
 * in place turns an ordinary JVM trap into a crash of the whole process. And the runtime
 * library must stay loaded however much garbage is collected: unloaded, it leaves dangling
 * function pointers behind in libtvm_ffi, and the next model load crashed the JVM.
 */
class TvmLoadingTest {
    static final int SIGBUS = 7;
    static final int SIGSEGV = 11;

    @TempDir
    Path tmp;

    @Test
    void tvmStaysLoadedAndLeavesTheJvmsCrashHandlers() {
        long segv = SignalHandlers.current(SIGSEGV);
        long bus = SignalHandlers.current(SIGBUS);
        assertNotEquals(0L, segv, "the JVM handles SIGSEGV");
        TvmToolchain tc = TvmToolchain.locate();
        Tvm tvm = tc.runtime();
        assertEquals(segv, SignalHandlers.current(SIGSEGV), "SIGSEGV handler after loading the runtime");
        RelaxModule module = RelaxEmitter.emit(OnnxTextReader.parse("""
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[1,2,4,4] x) => (float[1,2,4,4] y) {
                   y = Relu (x)
                }
                """, "relu.onnxtxt"));
        Path lib =
                tc.build(module, tmp.resolve("relu"), TvmToolchain.HOST_TARGET).library();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        try (TvmModel m = TvmModel.load(tvm, lib)) {
            assertEquals(segv, SignalHandlers.current(SIGSEGV), "SIGSEGV handler after loading a model");
            assertEquals(bus, SignalHandlers.current(SIGBUS), "SIGBUS handler after loading a model");
            float[] y = m.run(java.util.List.of(dev.yard.ir.Tensor.ofFloats(new long[] {1, 2, 4, 4}, ramp())))
                    .get(0)
                    .toFloatArray();
            for (int i = 0; i < y.length; i++) {
                assertEquals(Math.max(0, ramp()[i]), y[i], "Relu at " + i);
            }
        }
    }

    static float[] ramp() {
        float[] v = new float[32];
        for (int i = 0; i < v.length; i++) {
            v[i] = i - 15.5f;
        }
        return v;
    }
}
