package dev.yard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rank-selection report page, opened in a real headless browser. */
class ReportPageTest {
    @TempDir
    Path dir;

    /** The headless Chromium the test command installs (Debian's chromium-headless-shell). */
    private static final String BROWSER = "chromium-headless-shell";

    private record Run(String out, String err) {}

    private Run browser(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                BROWSER,
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--v=0",
                "--user-data-dir=" + dir.resolve("profile")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the browser did not finish");
        assertEquals(0, p.exitValue(), new String(err, StandardCharsets.UTF_8));
        return new Run(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void theReportRendersItsPlotsWithNoConsoleError() throws Exception {
        Path report = dir.resolve("report");
        BadInputTest.Outcome o = BadInputTest.yard(
                "optimize", "--budget", "0.1", "--cost-model", "macs", "--no-latency", "--report", report.toString());
        assertEquals(0, o.exit(), o.err());
        JsonObject sel = JsonParser.parseString(Files.readString(report.resolve("report.json")))
                .getAsJsonObject()
                .getAsJsonObject("passes")
                .getAsJsonObject("select-ranks");
        int candidates = 0;
        for (JsonElement l : sel.getAsJsonArray("layers")) {
            candidates += l.getAsJsonObject().getAsJsonArray("candidates").size();
        }
        int trials = sel.getAsJsonArray("trials").size();
        assertTrue(trials > 0 && candidates > 0, sel.toString());

        String url = report.resolve("report.html").toUri().toString();
        Run dom = browser("--dump-dom", url);
        assertTrue(!dom.err().contains(":CONSOLE"), "the page logged to the console: " + dom.err());
        // The browser built one plot per layer plus the whole model's, with a point per candidate,
        // per trial and for the input.
        int svgs = dom.out().split("<svg", -1).length - 1;
        int circles = dom.out().split("<circle", -1).length - 1;
        assertEquals(sel.getAsJsonArray("layers").size() + 1, svgs, dom.out());
        assertEquals(candidates + trials + 1, circles, dom.out());
        assertTrue(dom.out().contains("Budget <b>rel-l2&lt;=0.1</b>"), "text is escaped, not markup");

        Path png = dir.resolve("page.png");
        browser("--screenshot=" + png, "--window-size=1000,1400", url);
        BufferedImage shot = ImageIO.read(png.toFile());
        int red = 0;
        for (int y = 0; y < shot.getHeight(); y++) {
            for (int x = 0; x < shot.getWidth(); x++) {
                int rgb = shot.getRGB(x, y);
                if (((rgb >> 16) & 0xff) > 180 && ((rgb >> 8) & 0xff) < 80 && (rgb & 0xff) < 80) {
                    red++;
                }
            }
        }
        assertTrue(red > 20, "the chosen points are drawn in red: " + red + " red pixels");
    }
}
