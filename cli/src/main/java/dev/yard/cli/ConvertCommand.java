package dev.yard.cli;

import dev.yard.api.internal.Models;
import dev.yard.ir.Model;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code yard convert IN -o OUT}: between binary ONNX and the textual form, by extension. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Convert a model between .onnx and .onnxtxt (chosen by extension).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Input model (.onnx or .onnxtxt).")
    Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "OUT",
            description = "Output model (.onnx or .onnxtxt).")
    Path output;

    @Option(
            names = "--external-data",
            description = "Keep weights of 1 KiB or more in OUT.data next to OUT "
                    + "(done anyway when the model would pass protobuf's 2 GiB limit).")
    boolean externalData;

    @Option(
            names = "--compact",
            description = "In .onnxtxt output, print tensors of more than 16 elements as "
                    + "shape and SHA-256 digest (for golden files; such text cannot be turned back into a model).")
    boolean compact;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public Integer call() {
        Model m = Models.load(input);
        Models.save(m, output, externalData, compact);
        return Main.OK;
    }
}
