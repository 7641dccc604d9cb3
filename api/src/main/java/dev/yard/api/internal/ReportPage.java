package dev.yard.api.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: rank selection's report as one self-contained page (no script, no
 * external file) with SVG plots: the whole model's predicted speed-up against its fidelity over
 * the search's trials, with the chosen point, and each layer's candidates with its Pareto front.
 */
public final class ReportPage {
    private ReportPage() {}

    private static final int W = 420;
    private static final int H = 260;
    private static final int PAD = 46;

    public static String render(JsonObject root) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Yard rank selection: ")
                .append(esc(root.get("model").getAsString()))
                .append("</title>\n<style>")
                .append(
                        "body{font-family:sans-serif;margin:2em;color:#222}svg{background:#fafafa;border:1px solid #ddd;")
                .append(
                        "margin:4px}text{font-size:11px}.grid{display:flex;flex-wrap:wrap}table{border-collapse:collapse}")
                .append("td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}</style></head><body>\n");
        b.append("<h1>Rank selection: ")
                .append(esc(root.get("model").getAsString()))
                .append("</h1>\n");
        JsonObject sel = root.getAsJsonObject("passes").getAsJsonObject("select-ranks");
        if (sel == null) {
            b.append("<p>No rank selection ran in this pipeline.</p></body></html>\n");
            return b.toString();
        }
        b.append("<p>Budget <b>")
                .append(esc(str(sel, "budget")))
                .append("</b> on ")
                .append(esc(str(sel, "evaluated_on")))
                .append(", cost model ")
                .append(esc(str(sel, "cost_model")))
                .append(".</p>\n<p>")
                .append(esc(str(sel, "outcome")))
                .append("</p>\n");
        JsonObject predicted = root.getAsJsonObject("predicted");
        if (predicted != null) {
            b.append(String.format(
                    Locale.ROOT,
                    "<p>Whole model, predicted: %.4g ms before, %.4g ms after%s.</p>%n",
                    predicted.get("before_seconds").getAsDouble() * 1e3,
                    predicted.get("after_seconds").getAsDouble() * 1e3,
                    predicted.get("kept_input").getAsBoolean() ? " (the input was kept)" : ""));
        }
        double total =
                sel.has("predicted_seconds") ? sel.get("predicted_seconds").getAsDouble() : 0;
        JsonArray trials = sel.has("trials") ? sel.getAsJsonArray("trials") : new JsonArray();
        if (total > 0 && !trials.isEmpty()) {
            b.append("<h2>Speed-up against fidelity</h2>\n<p>Each trial of the search: predicted speed-up of the "
                    + "whole model, and the share of the budget its outputs use (1 = at the limit). Filled: met the "
                    + "budget and kept; hollow: broke it; red: the chosen model.</p>\n");
            List<Point> pts = new ArrayList<>();
            Point chosen = null;
            pts.add(new Point(1, 0, "the input", Kind.KEPT));
            for (JsonElement e : trials) {
                JsonObject t = e.getAsJsonObject();
                double after = t.get("predicted_seconds").getAsDouble();
                JsonObject m = t.getAsJsonObject("model");
                String what = t.has("layer")
                        ? t.get("layer").getAsString() + " "
                                + t.get("candidate").getAsString()
                        : t.has("layers")
                                ? t.get("layers").getAsInt() + " layers ("
                                        + t.get("kind").getAsString() + ")"
                                : "the choice, on every evaluation input";
                Point p = new Point(
                        after > 0 ? total / after : 1,
                        m.get("budget_used").getAsDouble(),
                        what + ": " + m,
                        t.get("accepted").getAsBoolean() ? Kind.KEPT : Kind.BROKE);
                pts.add(p);
                // The chosen model: the last kept trial at its predicted time.
                if (p.kind == Kind.KEPT
                        && (!sel.has("chosen_predicted_seconds")
                                || Math.abs(after
                                                - sel.get("chosen_predicted_seconds")
                                                        .getAsDouble())
                                        <= 1e-9 * total)) {
                    chosen = p;
                }
            }
            if (chosen != null) {
                chosen.kind = Kind.CHOSEN;
            }
            b.append(plot(pts, "predicted speed-up (x)", "budget used", 1.0));
        }
        b.append("<h2>Layers</h2>\n<p>Each candidate: the time it saves on the cost model, and its error as "
                + "screened (the layer's own relative output error on calibration data, else its weight error; or, "
                + "screened end to end, the outputs' relative L2 error with it alone). Blue: on the layer's Pareto "
                + "front; grey: dominated or not fitted; red: chosen.</p>\n<div class=\"grid\">\n");
        JsonArray layers = sel.has("layers") ? sel.getAsJsonArray("layers") : new JsonArray();
        for (JsonElement e : layers) {
            JsonObject l = e.getAsJsonObject();
            List<Point> pts = new ArrayList<>();
            for (JsonElement ce : l.getAsJsonArray("candidates")) {
                JsonObject c = ce.getAsJsonObject();
                Kind k = c.get("chosen").getAsBoolean()
                        ? Kind.CHOSEN
                        : c.get("on_front").getAsBoolean() ? Kind.FRONT : Kind.OTHER;
                pts.add(new Point(
                        c.get("saving_seconds").getAsDouble() * 1e3,
                        c.get("error").getAsDouble(),
                        c.get("method").getAsString() + " " + c.get("ranks") + ": error " + c.get("error")
                                + (c.has("alone") ? ", alone " + c.getAsJsonObject("alone") : ""),
                        k));
            }
            b.append("<div><h3>")
                    .append(esc(l.get("op").getAsString() + " " + l.get("layer").getAsString()))
                    .append(": ")
                    .append(esc(l.get("chosen").getAsString()))
                    .append("</h3>\n")
                    .append(plot(
                            pts,
                            str(sel, "cost_model").startsWith("macs") ? "saving (millions of MACs)" : "saving (ms)",
                            "error as screened",
                            Double.NaN))
                    .append("</div>\n");
        }
        b.append("</div>\n</body></html>\n");
        return b.toString();
    }

    private enum Kind {
        KEPT,
        BROKE,
        CHOSEN,
        FRONT,
        OTHER
    }

    private static final class Point {
        final double x;
        final double y;
        final String title;
        Kind kind;

        Point(double x, double y, String title, Kind kind) {
            this.x = x;
            this.y = Math.min(y, 1e6);
            this.title = title;
            this.kind = kind;
        }
    }

    /** A scatter plot with axes, ticks at the ends, and a dashed line at {@code limit} (NaN: none). */
    private static String plot(List<Point> pts, String xLabel, String yLabel, double limit) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y1 = Double.isNaN(limit) ? 0 : limit * 1.2;
        for (Point p : pts) {
            x0 = Math.min(x0, p.x);
            x1 = Math.max(x1, p.x);
            y1 = Math.max(y1, p.y);
        }
        if (!(x1 > x0)) {
            x0 = x0 - 1;
            x1 = x1 + 1;
        }
        y1 = y1 > 0 ? Math.min(y1 * 1.05, Double.isNaN(limit) ? y1 * 1.05 : Math.max(limit * 3, 1e-9)) : 1;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" role=\"img\">%n",
                W,
                H,
                W,
                H));
        int left = PAD, right = W - 12, top = 12, bottom = H - PAD + 8;
        s.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
                        + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
                left,
                bottom,
                right,
                bottom,
                left,
                top,
                left,
                bottom));
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                left,
                bottom + 14,
                num(x0),
                right,
                bottom + 14,
                num(x1)));
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text><text x=\"%d\" y=\"%d\" "
                        + "text-anchor=\"end\">%s</text>%n",
                left - 4,
                bottom,
                left - 4,
                top + 8,
                num(y1)));
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (left + right) / 2,
                H - 8,
                esc(xLabel)));
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" " + "text-anchor=\"middle\">%s</text>%n",
                (top + bottom) / 2,
                (top + bottom) / 2,
                esc(yLabel)));
        if (!Double.isNaN(limit) && limit <= y1) {
            double ly = bottom - (bottom - top) * limit / y1;
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e80\" "
                            + "stroke-dasharray=\"4 3\"/>%n",
                    left,
                    ly,
                    right,
                    ly));
        }
        for (Point p : pts) {
            double px = left + (right - left) * (p.x - x0) / (x1 - x0);
            double py = bottom - (bottom - top) * Math.min(p.y, y1) / y1;
            String style = switch (p.kind) {
                case CHOSEN -> "fill=\"#d22\" stroke=\"#900\" r=\"6\"";
                case KEPT, FRONT -> "fill=\"#36c\" stroke=\"#124\" r=\"4\"";
                case BROKE -> "fill=\"none\" stroke=\"#888\" r=\"4\"";
                case OTHER -> "fill=\"#bbb\" stroke=\"#999\" r=\"3\"";
            };
            s.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" %s><title>%s</title></circle>%n",
                    px,
                    py,
                    style,
                    esc(p.title)));
        }
        return s.append("</svg>\n").toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String str(JsonObject o, String key) {
        return o.has(key) ? o.get(key).getAsString() : "";
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
