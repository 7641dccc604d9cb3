package dev.yard.cli;

import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.Model;
import dev.yard.ir.YardException;
import dev.yard.ir.infer.ShapeInference;
import dev.yard.ir.verify.Problem;
import dev.yard.ir.verify.Verifier;
import java.util.List;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Loads and saves models by file extension, and provides the built-in default model. */
final class Models {
    /** The trained LeNet that ships with the tribuo-onnx test jar, resolved by Maven. */
    static final String DEFAULT_MODEL_RESOURCE = "org/tribuo/interop/onnx/cnn_mnist.onnx";
    static final String DEFAULT_MODEL_NAME = "lenet-mnist (built in)";

    private Models() {
    }

    static Model load(Path file) {
        String ext = extension(file);
        if (!Files.exists(file)) {
            throw YardException.badInput(file + ": no such file");
        }
        Model m = switch (ext) {
            case "onnx" -> OnnxReader.read(file);
            default -> throw YardException.badInput(file + ": unknown model format '." + ext
                    + "' (expected .onnx or .onnxtxt)");
        };
        verify(m, file.toString());
        return m;
    }

    static void save(Model model, Path file, boolean externalData) {
        String ext = extension(file);
        switch (ext) {
            case "onnx" -> {
                if (externalData) {
                    OnnxWriter.write(model, file, true);
                } else {
                    OnnxWriter.write(model, file);
                }
            }
            default -> throw YardException.badInput(file + ": unknown output format '." + ext
                    + "' (expected .onnx or .onnxtxt)");
        }
    }

    /**
     * Checks a freshly loaded model; a broken one is bad input, reported as one line naming
     * the file, the first problem and how many more there are.
     */
    static void verify(Model m, String source) {
        List<Problem> problems = Verifier.check(m);
        if (!problems.isEmpty()) {
            throw YardException.badInput(source + ": invalid model: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : ""));
        }
    }

    /** Fills in the types and shapes the reports rely on; a definite conflict is reported, not fatal. */
    static List<Problem> inferShapes(Model m) {
        return ShapeInference.infer(m);
    }

    static Model loadDefault() {
        try (InputStream in = Models.class.getClassLoader().getResourceAsStream(DEFAULT_MODEL_RESOURCE)) {
            if (in == null) {
                throw new YardException("the built-in model " + DEFAULT_MODEL_RESOURCE
                        + " is missing from the class path (tribuo-onnx tests jar)", false);
            }
            Model m = OnnxReader.read(ByteBuffer.wrap(in.readAllBytes()), null, DEFAULT_MODEL_NAME);
            verify(m, DEFAULT_MODEL_NAME);
            return m;
        } catch (IOException e) {
            throw new YardException("cannot read the built-in model: " + e.getMessage(), false, e);
        }
    }

    static String extension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
