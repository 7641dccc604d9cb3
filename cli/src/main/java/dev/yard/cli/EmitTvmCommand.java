package dev.yard.cli;

import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.backend.tvm.emit.RelaxModule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code yard emit-tvm}: writes a model as a Relax module (TVMScript and parameters), optionally built. */
@Command(
        name = "emit-tvm",
        mixinStandardHelpOptions = true,
        description = "Emit a model as an Apache TVM Relax module (TVMScript + parameters); --build compiles it.")
final class EmitTvmCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Model (.onnx or .onnxtxt).")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "Folder for module.py, params.bin, params.json, signature.json (and module.so).")
    Path output;

    @Option(
            names = "--target",
            paramLabel = "TARGET",
            defaultValue = TvmToolchain.HOST_TARGET,
            description = "TVM target: host (llvm for this CPU, the default), a built-in target (x86-64-avx2, "
                    + "x86-64-avx512, arm64-cortex-a76: cross-compiled with Debian's g++-aarch64-linux-gnu), or "
                    + "JSON, e.g. '{\"kind\": \"llvm\", \"mcpu\": \"core-avx2\"}'.")
    String target;

    @Option(names = "--build", description = "Also compile the module into DIR/module.so with TVM.")
    boolean build;

    @Mixin
    TvmModuleOptions tvm;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RelaxModule module = tvm.emit(input).module();
        if (build) {
            TvmToolchain.Built built = tvm.toolchain().build(module, output, target);
            String foreign = TvmToolchain.foreignArchitecture(TvmToolchain.resolveTarget(target));
            out.println("wrote " + output.resolve(RelaxModule.SCRIPT_FILE) + ", its parameters and "
                    + built.library()
                    + (foreign == null
                            ? ""
                            : " (for " + foreign + ": checked as an ELF of that architecture "
                                    + "exporting the module; run it there)"));
            out.println(built.tuned() + " of " + built.workloads() + " workloads tuned"
                    + (built.tuned() < built.workloads() ? " (yard tune adds the rest for this target)" : ""));
        } else {
            module.write(output);
            out.println("wrote " + output.resolve(RelaxModule.SCRIPT_FILE) + " and its parameters ("
                    + module.params().size() + " tensors)");
        }
        return Main.OK;
    }
}
