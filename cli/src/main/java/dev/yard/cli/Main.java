package dev.yard.cli;

import dev.yard.ir.YardException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code yard} command. Exit codes: 0 success, 2 bad input or usage, 1 internal fault.
 * Errors print one line naming the file and the problem; {@code --verbose} adds the stack trace.
 */
@Command(
        name = "yard",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A graph compiler for convolutional networks: reads ONNX, rewrites, writes ONNX.",
        subcommands = {
            OptimizeCommand.class,
            InspectCommand.class,
            CostCommand.class,
            TargetCommand.class,
            ConvertCommand.class,
            EmitTvmCommand.class,
            TuneCommand.class,
            RunCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        // UTF-8 whatever the platform's default: the same bytes on every machine.
        System.exit(run(
                args,
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
    }

    /** Runs the command line in-process and returns its exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        // Bad usage: one line and exit code 2, not picocli's whole usage text.
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("yard: " + oneLine(e.getMessage()) + " (see yard "
                    + (e.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^yard ?", "") + " --help")
                            .trim()
                    + ")");
            err.flush();
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof YardException y) {
                err.println("yard: " + oneLine(y.getMessage()));
                if (verbose) {
                    y.printStackTrace(err);
                }
                err.flush();
                return y.isBadInput() ? BAD_INPUT : INTERNAL;
            }
            err.println("yard: internal error: " + oneLine(String.valueOf(e)));
            if (verbose) {
                e.printStackTrace(err);
            } else {
                err.println("yard: run again with --verbose for the stack trace");
            }
            err.flush();
            return INTERNAL;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("yard: out of memory (raise the heap with YARD_JAVA_OPTS=-Xmx...)");
            if (java.util.Arrays.asList(args).contains("--verbose")) {
                e.printStackTrace(err);
            }
            code = INTERNAL;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Longest message printed: names and tokens from a hostile file are cut, not echoed whole. */
    static final int MAX_MESSAGE = 2000;

    /**
     * A message as one line (see {@link YardException#oneLine}: names from a file or a
     * library's message cannot split the line or drive the terminal), cut at {@link #MAX_MESSAGE}.
     */
    static String oneLine(String message) {
        String m = YardException.oneLine(String.valueOf(message).strip());
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + " ... (cut)";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"yard " + (v == null ? "(development build)" : v)};
        }
    }
}
