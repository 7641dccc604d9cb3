package dev.yard.api.internal;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.yard.ir.YardException;
import dev.yard.ir.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code optimize --report DIR}: rank selection's report as {@code DIR/report.json} and a page
 * of plots, {@code DIR/report.html} (see {@link ReportPage}), each written atomically: the budget, each layer's candidates (cost, saving, fidelity alone, on the front,
 * chosen), the trials of the search, and the whole model's predicted cost before and after.
 * Same input and options give the same bytes: no times or paths of the machine go in.
 */
public final class SelectionReport {
    private SelectionReport() {}

    public static Path write(Path dir, String source, Map<String, JsonElement> passReports, NeverSlower check) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw YardException.badInput("--report " + dir + ": cannot create the folder: " + e.getMessage(), e);
        }
        JsonObject root = new JsonObject();
        root.addProperty("model", source);
        JsonObject whole = new JsonObject();
        whole.addProperty("before_seconds", check.before().seconds());
        whole.addProperty("after_seconds", check.after().seconds());
        whole.addProperty("measured", check.before().measured());
        whole.addProperty("kept_input", check.keptInput());
        root.add("predicted", whole);
        JsonObject passes = new JsonObject();
        passReports.forEach(passes::add);
        root.add("passes", passes);
        Path file = dir.resolve("report.json");
        byte[] bytes = (new GsonBuilder()
                                .setPrettyPrinting()
                                .disableHtmlEscaping()
                                .create()
                                .toJson(root) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] page = ReportPage.render(root).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(bytes));
        AtomicFile.write(dir.resolve("report.html"), out -> out.write(page));
        return file;
    }
}
