package dev.yard.api.internal;

import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.backend.tvm.TvmPreparation;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.io.AtomicFile;
import dev.yard.ir.text.OnnxTextPrinter;
import dev.yard.ir.text.OnnxTextReader;
import dev.yard.ir.verify.Problem;
import dev.yard.ir.verify.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Loads and saves models by file extension, and provides the built-in default model. */
public final class Models {
    /** The trained LeNet that ships with the tribuo-onnx test jar, resolved by Maven. */
    public static final String DEFAULT_MODEL_RESOURCE = "org/tribuo/interop/onnx/cnn_mnist.onnx";

    public static final String DEFAULT_MODEL_NAME = "lenet-mnist (built in)";

    private Models() {}

    public static Model load(Path file) {
        String ext = extension(file);
        if (!Files.exists(file)) {
            throw YardException.badInput(file + ": no such file");
        }
        if (!Files.isDirectory(file) && !Files.isRegularFile(file)) {
            throw YardException.badInput(file + ": not a regular file (a device or pipe), not a model");
        }
        Model m = switch (ext) {
            case "onnx" -> OnnxReader.read(file);
            case "onnxtxt" -> OnnxTextReader.parse(readText(file), file.toString());
            default ->
                throw YardException.badInput(
                        file + ": unknown model format '." + ext + "' (expected .onnx or .onnxtxt)");
        };
        verify(m, file.toString());
        return m;
    }

    /**
     * Writes {@code model} in the format the extension names; {@code externalData} applies to
     * .onnx, {@code compact} (weights as digests) to .onnxtxt.
     */
    public static void save(Model model, Path file, boolean externalData, boolean compact) {
        String ext = extension(file);
        switch (ext) {
            case "onnx" -> {
                if (externalData) {
                    OnnxWriter.write(model, file, true);
                } else {
                    OnnxWriter.write(model, file);
                }
            }
            case "onnxtxt" -> {
                String text = OnnxTextPrinter.print(
                        model, compact ? OnnxTextPrinter.Options.COMPACT : OnnxTextPrinter.Options.FULL);
                AtomicFile.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
            }
            default ->
                throw YardException.badInput(
                        file + ": unknown output format '." + ext + "' (expected .onnx or .onnxtxt)");
        }
    }

    /**
     * Checks a freshly loaded model; a broken one is bad input, reported as one line naming
     * the file, the first problem and how many more there are.
     */
    public static void verify(Model m, String source) {
        List<Problem> problems = Verifier.check(m);
        if (!problems.isEmpty()) {
            throw YardException.badInput(YardException.oneLine(source + ": invalid model: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : "")));
        }
    }

    /** Fills in the types and shapes the reports rely on; a definite conflict is reported, not fatal. */
    public static List<Problem> inferShapes(Model m) {
        return ShapeInference.infer(m);
    }

    /**
     * Refuses to run a model one of whose tensors (as inferred) would take more than half of this
     * machine's memory: ONNX Runtime would be killed by the kernel, not fail.
     */
    public static void checkFitsInMemory(Model m, String source) {
        long limit = physicalMemory() / 2;
        java.util.function.Consumer<dev.yard.ir.Value> check = v -> {
            if (v == null
                    || v.shape() == null
                    || !v.shape().isStatic()
                    || v.elementType() == null
                    || v.elementType() == dev.yard.ir.ElementType.STRING) {
                return;
            }
            long bytes = v.elementType().byteSize(1);
            for (int i = 0; i < v.shape().rank() && bytes >= 0; i++) {
                long d = v.shape().dim(i).sizeOrNegative();
                bytes = d != 0 && bytes > Long.MAX_VALUE / d ? -1 : bytes * d;
            }
            if (bytes < 0 || bytes > limit) {
                throw YardException.badInput(source + ": tensor '" + v.name() + "' " + v.shape() + " needs "
                        + (bytes < 0
                                ? "more than 2^63 bytes"
                                : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30)))
                        + ", more than half of this machine's memory: the model cannot be run");
            }
        };
        m.graph().inputs().forEach(check);
        m.graph().nodes().forEach(n -> n.outputs().forEach(check));
    }

    private static long physicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory() * 2;
    }

    /** Checks that every name of {@code --input-shape} is an input of the model and every shape parses. */
    public static void checkInputShapes(Model m, Map<String, String> inputShapes, String source) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        m.graph().inputs().stream().filter(v -> !v.isInitializer()).forEach(v -> names.add(v.name()));
        for (Map.Entry<String, String> e : inputShapes.entrySet()) {
            if (!names.contains(e.getKey())) {
                throw YardException.badInput("--input-shape " + e.getKey() + ": " + source
                        + " has no input of that name (inputs: " + String.join(", ", names) + ")");
            }
            TvmPreparation.inputShape(e.getKey(), e.getValue());
        }
    }

    /**
     * A copy of {@code m} whose inputs have the given shapes ({@code name -> "D,D,..."}) and
     * whose other shapes are inferred again from them; {@code m} keeps its dynamic inputs.
     */
    public static Model withInputShapes(Model m, Map<String, String> inputShapes) {
        Model copy = m.copy();
        for (dev.yard.ir.Value v : copy.graph().inputs()) {
            String shape = inputShapes.get(v.name());
            if (shape != null && v.elementType() != null) {
                v.setType(dev.yard.ir.ValueType.tensor(v.elementType(), TvmPreparation.inputShape(v.name(), shape)));
            }
        }
        for (dev.yard.ir.Node n : copy.graph().nodes()) {
            for (dev.yard.ir.Value v : n.outputs()) {
                if (v != null) {
                    v.setType(null);
                }
            }
        }
        inferShapes(copy);
        return copy;
    }

    public static Model loadDefault() {
        try (InputStream in = Models.class.getClassLoader().getResourceAsStream(DEFAULT_MODEL_RESOURCE)) {
            if (in == null) {
                throw new YardException(
                        "the built-in model " + DEFAULT_MODEL_RESOURCE
                                + " is missing from the class path (tribuo-onnx tests jar)",
                        false);
            }
            Model m = OnnxReader.read(ByteBuffer.wrap(in.readAllBytes()), null, DEFAULT_MODEL_NAME);
            verify(m, DEFAULT_MODEL_NAME);
            return m;
        } catch (IOException e) {
            throw new YardException("cannot read the built-in model: " + e.getMessage(), false, e);
        }
    }

    private static String readText(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            CharsetDecoder dec = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return dec.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw YardException.badInput(file + ": not UTF-8 text, so not ONNX textual syntax");
        } catch (IOException e) {
            throw YardException.badInput(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static String extension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
