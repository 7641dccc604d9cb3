package dev.yard.cli;

import dev.yard.api.internal.Models;
import dev.yard.backend.tvm.TvmPreparation;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.ir.Model;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options {@code emit-tvm} and {@code tune} share: how a model becomes a Relax module
 * (static input shapes, f16 kept or widened) and where tuning records live. Both must emit a
 * model the same way for tuning records to match the workloads a build sees.
 */
final class TvmModuleOptions {
    @Option(
            names = "--input-shape",
            paramLabel = "NAME=D,D,...",
            description = "Static shape of an input with dynamic dimensions.")
    Map<String, String> inputShapes = new LinkedHashMap<>();

    @Option(
            names = "--keep-f16",
            description = "Compute f16 tensors in f16 (default: in f32, as ONNX Runtime does on CPUs; tuning records "
                    + "are per workload, so tune and build alike).")
    boolean keepF16;

    @Option(
            names = "--records",
            paramLabel = "DIR",
            description = "Folder of tuning records (one subfolder per target, CPU and TVM release; default: "
                    + "tvm-tuning/ in the cache folder).")
    Path records;

    /** A loaded model prepared for TVM and the Relax module emitted from it. */
    record Emitted(Model model, RelaxModule module) {}

    Emitted emit(Path input) {
        Model model = Models.load(input);
        TvmPreparation.prepare(model, inputShapes);
        return new Emitted(model, RelaxEmitter.emit(model, new RelaxEmitter.Options(!keepF16)));
    }

    /** The toolchain, with {@code --records} when given. */
    TvmToolchain toolchain() {
        TvmToolchain tc = TvmToolchain.locate();
        return records == null ? tc : tc.withRecords(records);
    }
}
