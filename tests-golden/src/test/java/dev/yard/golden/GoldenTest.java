package dev.yard.golden;

import dev.yard.junit.GoldenTests;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden file under {@code src/test/resources/golden} (or {@code -Dgolden.dir}), through
 * the same library users' suites use ({@link GoldenTests}); {@code -Dyard.golden.update=true}
 * rewrites the expectations.
 */
class GoldenTest {
    static final Path DIR = Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));

    @TestFactory
    Stream<DynamicNode> goldenFiles() {
        return GoldenTests.in(DIR);
    }
}
