package com.example.yardplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The built plugin jar, as a user would use it: {@code yard} in a fresh JVM whose class path is
 * Yard's alone (this module's classes taken out), given the jar with {@code --plugin}.
 */
class PluginJarIT {
    private static final String JAR = System.getProperty("plugin.jar");

    record Run(int exit, String out, String err) {}

    @Test
    void costAndOptimizeUseThePluginFromItsJar() throws Exception {
        Run without = yard("cost", "--cost-model", "launch-bound");
        assertEquals(2, without.exit(), without.err());
        assertTrue(without.err().contains("unknown cost model 'launch-bound'"), without.err());

        Run cost = yard("cost", "--plugin", JAR, "--cost-model", "launch-bound:launch_us=50");
        assertEquals(0, cost.exit(), cost.err());
        assertTrue(cost.out().contains("cost model launch-bound:launch_us=50.0,tmacs=2.0"), cost.out());
        // LeNet's four layers at 50 us of launch each, plus a little compute.
        assertTrue(cost.out().contains("predicted latency of the 4 priced layers: 0.20"), cost.out());

        Run optimize = yard("optimize", "--no-measure", "--plugin", JAR, "--cost-model", "launch-bound");
        assertEquals(0, optimize.exit(), optimize.err());
        // Launch-bound: a chain of two or three convs can never beat one conv, so rank selection has no candidate.
        assertTrue(optimize.out().contains("cost model launch-bound:launch_us=20.0,tmacs=2.0"), optimize.out());
        assertTrue(
                optimize.out().contains("select-ranks: no layer has a candidate the cost model prices below the layer"),
                optimize.out());

        Run missing = yard("cost", "--plugin", "/no/such/plugin.jar", "--cost-model", "launch-bound");
        assertEquals(2, missing.exit());
        assertEquals(
                "yard: /no/such/plugin.jar: plugin jar not found", missing.err().strip());
        Run notJar = yard("cost", "--plugin", new File("pom.xml").getAbsolutePath(), "--cost-model", "launch-bound");
        assertEquals(2, notJar.exit());
        assertTrue(
                notJar.err().strip().startsWith("yard: ") && notJar.err().contains("pom.xml: not a jar"), notJar.err());
        Run badArgs = yard("cost", "--plugin", JAR, "--cost-model", "launch-bound:launch_us=-1");
        assertEquals(2, badArgs.exit(), badArgs.err());
    }

    private static Run yard(String... args) throws Exception {
        // Failsafe puts this module's classes or jar on the class path: neither may reach yard.
        List<Path> own = List.of(
                Path.of(System.getProperty("plugin.classes")).toAbsolutePath(),
                Path.of(JAR).toAbsolutePath());
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !own.contains(Path.of(p).toAbsolutePath()))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "dev.yard.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("YARD_PLUGINS");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
