package dev.yard.cli;

import dev.yard.api.internal.Models;
import dev.yard.backend.ort.OrtSession;
import dev.yard.backend.ort.SeededInputs;
import dev.yard.backend.tvm.TvmPreparation;
import dev.yard.backend.tvm.TvmToolchain;
import dev.yard.backend.tvm.emit.RelaxEmitter;
import dev.yard.backend.tvm.emit.RelaxModule;
import dev.yard.backend.tvm.ffi.TvmModel;
import dev.yard.ir.ElementType;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code yard run}: runs a model in ONNX Runtime or TVM (a model file is emitted and built
 * first; a folder from {@code emit-tvm --build} is loaded as is) and prints a summary of each
 * output and the median latency.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a model in ONNX Runtime or TVM; print output summaries and median latency.")
final class RunCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "MODEL_OR_DIR",
            description = "Model (.onnx/.onnxtxt), or a folder written by emit-tvm --build.")
    Path model;

    @Option(names = "--backend", defaultValue = "ort", description = "ort or tvm (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description =
                    "Raw little-endian float32 data for the (single) input; default: uniform random in [0, 1), seed 42.")
    Path inputFile;

    @Option(
            names = "--input-shape",
            paramLabel = "NAME=D,D,...",
            description = "Static shape of an input with dynamic dimensions.")
    Map<String, String> inputShapes = new LinkedHashMap<>();

    @Option(
            names = "--target",
            paramLabel = "JSON",
            defaultValue = TvmToolchain.HOST_TARGET,
            description = "TVM target when building (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "ONNX Runtime threads (TVM uses its own pool, TVM_NUM_THREADS).")
    int threads;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<Tensor> outputs;
        double ms;
        if (threads < 1 || threads > 256) {
            throw YardException.badInput("--threads " + threads + ": expected 1 to 256");
        }
        switch (backend) {
            case "ort" -> {
                Model m = Models.load(model);
                Models.checkInputShapes(m, inputShapes, model.toString());
                Models.checkFitsInMemory(Models.withInputShapes(m, inputShapes), model.toString());
                m = Models.withInputShapes(m, inputShapes);
                TvmPreparation.prepare(m, inputShapes);
                for (var v : m.graph().inputs()) {
                    if (!v.isInitializer()) {
                        if (v.shape() == null || !v.shape().isStatic()) {
                            throw YardException.badInput(model + ": input '" + v.name() + "' has no static shape: give "
                                    + "--input-shape " + v.name() + "=D,D,...");
                        }
                        names.add(v.name());
                        shapes.add(v.shape().sizes());
                    }
                }
                Map<String, Tensor> feeds = new LinkedHashMap<>();
                List<Tensor> in = inputs(shapes);
                for (int i = 0; i < names.size(); i++) {
                    feeds.put(names.get(i), in.get(i));
                }
                try (OrtSession s = OrtSession.of(Models.load(model), threads)) {
                    outputs = new ArrayList<>(s.run(feeds).values());
                    ms = s.medianMillis(feeds, 2, 5, 50, 2000);
                    names = s.outputNames();
                } catch (YardException e) {
                    // A model ONNX Runtime refuses or cannot run is the user's to fix: one line naming it.
                    String first =
                            String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    throw new YardException(model + ": " + first, true, e);
                }
            }
            case "tvm" -> {
                TvmToolchain tc = TvmToolchain.locate();
                Path dir = model;
                if (!Files.isDirectory(model)) {
                    Model m = Models.load(model);
                    TvmPreparation.prepare(m, inputShapes);
                    RelaxModule module = RelaxEmitter.emit(m);
                    dir = Files.createTempDirectory("yard-tvm");
                    tc.build(module, dir, target);
                }
                RelaxModule.Signature sig = RelaxModule.readSignature(dir);
                sig.inputs.forEach(p -> shapes.add(p.shape));
                List<Tensor> in = inputs(shapes);
                try (TvmModel tm = TvmModel.load(tc.runtime(), dir.resolve("module.so"))) {
                    outputs = tm.run(in);
                    ms = tm.medianMillis(in, 2, 5, 50, 2000);
                }
                names = sig.outputs.stream().map(p -> p.onnx_name).toList();
            }
            default -> throw YardException.badInput("--backend " + backend + ": expected ort or tvm");
        }
        for (int i = 0; i < outputs.size(); i++) {
            float[] v = outputs.get(i).toFloatArray();
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (float f : v) {
                sum += f;
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
            out.printf(
                    Locale.ROOT,
                    "output %s %s: mean %.6g min %.6g max %.6g%n",
                    names.get(i),
                    java.util.Arrays.toString(outputs.get(i).dims()),
                    sum / v.length,
                    min,
                    max);
        }
        out.printf(Locale.ROOT, "%s median latency: %.2f ms%n", backend, ms);
        return Main.OK;
    }

    private List<Tensor> inputs(List<long[]> shapes) throws IOException {
        List<Tensor> in = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(42);
        for (long[] s : shapes) {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            if (inputFile != null) {
                if (shapes.size() != 1) {
                    throw YardException.badInput(
                            "--input: the model has " + shapes.size() + " inputs, --input gives one");
                }
                if (!Files.isRegularFile(inputFile)) {
                    throw YardException.badInput(
                            inputFile + (Files.exists(inputFile) ? ": not a regular file" : ": no such file"));
                }
                if (Files.size(inputFile) != n * 4) {
                    throw YardException.badInput(inputFile + ": " + Files.size(inputFile) + " bytes, expected " + n * 4
                            + " (float32 " + java.util.Arrays.toString(s) + ")");
                }
                byte[] bytes = Files.readAllBytes(inputFile);
                if (bytes.length != n * 4) {
                    throw YardException.badInput(inputFile + ": " + bytes.length + " bytes, expected " + n * 4
                            + " (float32 " + java.util.Arrays.toString(s) + ")");
                }
                in.add(Tensor.ofRaw(ElementType.FLOAT, s, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)));
            } else {
                in.add(SeededInputs.uniform(ElementType.FLOAT, s, r, 0));
            }
        }
        return in;
    }
}
