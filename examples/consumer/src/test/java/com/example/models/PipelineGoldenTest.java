package com.example.models;

import dev.yard.junit.GoldenTests;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** What Yard's pipelines do to our models, as stated in src/test/golden. */
class PipelineGoldenTest {
    @TestFactory
    Stream<DynamicNode> goldens() {
        return GoldenTests.in(Path.of("src/test/golden"));
    }
}
