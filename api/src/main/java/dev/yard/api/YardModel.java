package dev.yard.api;

import dev.yard.api.internal.Models;
import dev.yard.backend.onnx.OnnxWriter;
import dev.yard.ir.Model;
import dev.yard.ir.Node;
import dev.yard.ir.analysis.LayerCost;
import dev.yard.ir.text.OnnxTextPrinter;
import dev.yard.ir.text.OnnxTextReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A model in Yard's IR, with the name of where it came from (used in every message about it).
 * Instances never change: operations that rewrite a model work on a copy.
 */
public final class YardModel {
    private final Model model;
    private final String source;

    private YardModel(Model model, String source) {
        this.model = model;
        this.source = source;
    }

    /**
     * Reads a model by extension: binary ONNX ({@code .onnx}, external data beside it) or ONNX's
     * textual syntax ({@code .onnxtxt}), then verifies it.
     *
     * @throws dev.yard.ir.YardException bad input naming the file when it is missing, of another
     *     format, or not a valid model
     */
    public static YardModel load(Path file) {
        return new YardModel(Models.load(file), file.toString());
    }

    /** The trained LeNet (MNIST digits, 28x28) that Yard ships as its example. */
    public static YardModel builtInLeNet() {
        return new YardModel(Models.loadDefault(), Models.DEFAULT_MODEL_NAME);
    }

    /** A model in ONNX's textual syntax; {@code source} names it in messages. */
    public static YardModel parse(String onnxText, String source) {
        Model m = OnnxTextReader.parse(onnxText, source);
        Models.verify(m, source);
        return new YardModel(m, source);
    }

    /** Wraps an IR model (copied) under the given name. */
    public static YardModel of(Model model, String source) {
        return new YardModel(model.copy(), Objects.requireNonNull(source));
    }

    /** Where the model came from: its file, or the name it was given. */
    public String source() {
        return source;
    }

    /** Whether this is the built-in LeNet as loaded (its digits are then the default data). */
    public boolean isBuiltInLeNet() {
        return source.equals(Models.DEFAULT_MODEL_NAME);
    }

    /** A copy of the model in Yard's IR, for passes and analyses beyond this API. */
    public Model ir() {
        return model.copy();
    }

    /** The model itself, not copied: for this package, which never changes it. */
    Model shared() {
        return model;
    }

    /** Nodes, parameters and MACs at the declared shapes. */
    public ModelStats stats() {
        return stats(Map.of());
    }

    /** Nodes, parameters and MACs with the given input shapes ({@code name -> "D,D,..."}). */
    public ModelStats stats(Map<String, String> inputShapes) {
        Model m = Models.withInputShapes(model, inputShapes);
        long params = 0;
        long macs = 0;
        for (Node n : m.graph().nodes()) {
            LayerCost c = LayerCost.of(n);
            params += c.parameters();
            macs += Math.max(0, c.macs());
        }
        return new ModelStats(m.graph().nodes().size(), params, macs);
    }

    /**
     * Writes the model atomically, in the format the extension names ({@code .onnx} or
     * {@code .onnxtxt}); a failed write leaves an existing file untouched.
     */
    public void save(Path file) {
        Models.save(model, file, false, false);
    }

    /** The model as binary ONNX. */
    public byte[] toOnnx() {
        return OnnxWriter.toBytes(model);
    }

    /** The model in ONNX's textual syntax, large weights printed as SHA-256 digests. */
    public String toCompactText() {
        return OnnxTextPrinter.print(model, OnnxTextPrinter.Options.COMPACT);
    }

    @Override
    public String toString() {
        return source;
    }
}
