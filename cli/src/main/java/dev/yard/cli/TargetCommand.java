package dev.yard.cli;

import dev.yard.backend.cost.TargetProbe;
import dev.yard.ir.YardException;
import dev.yard.ir.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code yard target}: target descriptions for the {@code analytic} cost model. {@code yard target probe} measures
 * this host's with ONNX Runtime, for {@code --cost-model analytic:FILE.json}.
 */
@Command(
        name = "target",
        mixinStandardHelpOptions = true,
        description = "Target descriptions for the analytic cost model.",
        subcommands = {TargetCommand.Probe.class, CommandLine.HelpCommand.class})
final class TargetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: probe");
    }

    /** {@code yard target probe [-o FILE] [--threads N]}. */
    @Command(
            name = "probe",
            mixinStandardHelpOptions = true,
            description = "Measure this host with ONNX Runtime micro-benchmarks (some seconds): "
                    + "MAC rates per kernel kind, bandwidths, per-operator overhead; cache sizes and vector width from Linux. "
                    + "Prints the target description as JSON, or writes it to FILE for --cost-model analytic:FILE.")
    static final class Probe implements Callable<Integer> {
        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Write the JSON here (default: stdout).")
        Path output;

        @Option(
                names = "--threads",
                paramLabel = "N",
                defaultValue = "2",
                description = "ONNX Runtime threads, as the target will run (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--verbose", description = "Print stack traces of errors.")
        boolean verbose;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (threads < 1 || threads > 256) {
                throw YardException.badInput("--threads must be a whole number from 1 to 256, got " + threads);
            }
            StatusLine status = StatusLine.forTerminal(spec.commandLine().getErr());
            String json;
            try {
                json = TargetProbe.probe(threads, status::show);
            } finally {
                status.clear();
            }
            if (output == null) {
                spec.commandLine().getOut().print(json);
                return Main.OK;
            }
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(output, out -> out.write(bytes));
            spec.commandLine()
                    .getErr()
                    .println("wrote " + output + " (use it with --cost-model analytic:" + output + ")");
            return Main.OK;
        }
    }
}
