package dev.yard.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.yard.ir.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads every {@code *.onnx.txt} that {@code src/test/python/text_compat.py dump DIR} wrote
 * (onnx.printer's text of ONNX's backend test models), prints each back as
 * {@code *.yard.txt} for {@code text_compat.py check DIR}, and checks that Yard reads its
 * own text to the same printed text. Runs only when {@code -Dyard.textCompatDir=DIR} is given.
 */
@EnabledIfSystemProperty(named = "yard.textCompatDir", matches = ".+")
class OnnxTextCompatTest {

    @Test
    void readsWhatOnnxPrints() throws IOException {
        Path dir = Path.of(System.getProperty("yard.textCompatDir"));
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".onnx.txt")).sorted().toList();
        }
        Map<String, Integer> counts = new TreeMap<>();
        StringBuilder failures = new StringBuilder();
        for (Path f : files) {
            String name = f.getFileName().toString();
            String text = Files.readString(f, StandardCharsets.UTF_8);
            String outcome;
            try {
                Model m = OnnxTextReader.parse(text, name);
                String printed = OnnxTextPrinter.print(m);
                Files.writeString(dir.resolve(name.replace(".onnx.txt", ".yard.txt")), printed, StandardCharsets.UTF_8);
                String again = OnnxTextPrinter.print(OnnxTextReader.parse(printed, name + " (Yard's text)"));
                outcome = again.equals(printed) ? "read, printed, read back the same" : "read back differently";
                if (!again.equals(printed)) {
                    failures.append(name).append(": Yard's text reads back differently\n");
                }
            } catch (RuntimeException e) {
                outcome = "failed: " + e.getClass().getSimpleName();
                failures.append(e.getMessage()).append('\n');
            }
            counts.merge(outcome, 1, Integer::sum);
        }
        String report = "files: " + files.size() + "\n" + counts + "\n" + failures;
        Files.writeString(dir.resolve("yard-report.txt"), report, StandardCharsets.UTF_8);
        System.out.println(report.length() > 4000 ? report.substring(0, 4000) : report);
        assertEquals(files.size(), counts.getOrDefault("read, printed, read back the same", 0), report);
    }
}
