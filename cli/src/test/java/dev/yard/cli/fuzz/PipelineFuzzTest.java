package dev.yard.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.yard.ir.YardException;
import dev.yard.passes.PassRegistry;
import dev.yard.passes.Pipeline;
import java.nio.charset.StandardCharsets;

/**
 * The pipeline parser on arbitrary text, as {@code --pipeline} gives it: syntax, pass and option
 * names, and every option value, which each pass checks when the pipeline is parsed. A pipeline
 * that parses must print as a string that parses to the same pipeline.
 */
class PipelineFuzzTest {
    private static final PassRegistry PASSES = PassRegistry.load();

    @FuzzTest
    void parse(byte[] utf8) {
        String text = new String(utf8, StandardCharsets.UTF_8);
        Pipeline pipeline;
        try {
            pipeline = Pipeline.parse(text, PASSES);
        } catch (YardException e) {
            BadInput.checkOneLine(e, "pipeline, column ");
            return;
        }
        String printed = pipeline.toString();
        String again = Pipeline.parse(printed, PASSES).toString();
        if (!again.equals(printed)) {
            throw new AssertionError("'" + printed + "' parses back as '" + again + "'");
        }
    }
}
