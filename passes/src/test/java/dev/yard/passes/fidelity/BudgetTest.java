package dev.yard.passes.fidelity;

import static org.junit.jupiter.api.Assertions.*;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetTest {
    private static Map<String, Tensor> out(String name, long[] dims, float... v) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(name, Tensor.ofFloats(dims, v));
        return m;
    }

    @Test
    void boundsParseAndPrintAsWritten() {
        Budget b = Budget.parse("iou>=0.97; rel-l2:logits<=0.05;0.1", null);
        assertEquals("iou>=0.97;rel-l2:logits<=0.05;rel-l2<=0.1", b.text());
        assertEquals(
                new Metric.Ctc("out", 3),
                Budget.parse("ctc:out:3>=0.95", null).bounds().get(0).metric());
        assertEquals(
                new Metric.Iou("mask", 0.3),
                Budget.parse("iou:mask:0.3>=0.9", null).bounds().get(0).metric());
    }

    @Test
    void badBudgetsAreBadInputNamingTheProblem() {
        for (String[] c : new String[][] {
            {"iou<=0.97", "bounded from below"},
            {"rel-l2>=0.1", "bounded from above"},
            {"nosuch>=0.5", "unknown metric 'nosuch'"},
            {"iou>=abc", "'abc' is not a number"},
            {"argmax>=1.5", "share between 0 and 1"},
            {"digits>=1", "needs labelled evaluation inputs"},
            {"-0.1", "is not a number >= 0"},
            {"ctc::1.5>=0.9", "whole number"},
            {";", "has no bound"}
        }) {
            YardException e = assertThrows(YardException.class, () -> Budget.parse(c[0], null), c[0]);
            assertTrue(e.isBadInput());
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void usageIsTheShareOfTheAllowedLoss() {
        Budget.Bound iou = Budget.parse("iou>=0.9", null).bounds().get(0);
        assertEquals(0, iou.usage(1), 1e-12);
        assertEquals(0.5, iou.usage(0.95), 1e-12);
        assertEquals(2, iou.usage(0.8), 1e-12);
        Budget.Bound l2 = Budget.parse("0.02", null).bounds().get(0);
        assertEquals(0.5, l2.usage(0.01), 1e-12);
        assertTrue(Double.isInfinite(l2.usage(Double.NaN)));
        // An agreement of 1 allows no loss at all.
        Budget.Bound exact = Budget.parse("argmax>=1", null).bounds().get(0);
        assertEquals(0, exact.usage(1));
        assertTrue(Double.isInfinite(exact.usage(0.99)));
    }

    @Test
    void iouComparesThresholdedMasksPerImage() {
        long[] d = {1, 1, 2, 2};
        List<Map<String, Tensor>> a = List.of(out("m", d, 0.9f, 0.9f, 0.1f, 0.1f), out("m", d, 0, 0, 0, 0));
        List<Map<String, Tensor>> b = List.of(out("m", d, 0.9f, 0.1f, 0.1f, 0.1f), out("m", d, 0, 0, 0, 0));
        // Image 1: 1 of 2 pixels; image 2: both masks empty, full agreement.
        assertEquals(0.75, new Metric.Iou(null, 0.5).score(a, b), 1e-12);
        assertEquals(1, new Metric.Iou(null, 0.95).score(a, b), 1e-12, "nothing above the threshold");
    }

    @Test
    void ctcComparesGreedyDecodedSequences() {
        // Two lines of 4 steps over 3 classes (0 = blank): "1 1 _ 2" -> [1, 2]; "2 _ 2 2" -> [2, 2].
        float[] line = {0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, /**/ 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1};
        Tensor t = Tensor.ofFloats(new long[] {2, 4, 3}, line);
        List<int[]> seqs = Metric.Ctc.decode(t, 0);
        assertArrayEquals(new int[] {1, 2}, seqs.get(0));
        assertArrayEquals(new int[] {2, 2}, seqs.get(1));
        float[] other = line.clone();
        // Line 2, step 1: class 1 now beats the blank, so the decoding gains a label.
        other[12 + 4] = 2;
        Tensor u = Tensor.ofFloats(new long[] {2, 4, 3}, other);
        assertArrayEquals(new int[] {2, 1, 2}, Metric.Ctc.decode(u, 0).get(1));
        assertEquals(0.5, new Metric.Ctc(null, 0).score(List.of(Map.of("y", t)), List.of(Map.of("y", u))), 1e-12);
    }

    @Test
    void argmaxReadsClassesOnAxisOneOfMapsAndLastOtherwise() {
        // [1, 2, 1, 2]: two pixels, class scores on axis 1.
        Tensor a = Tensor.ofFloats(new long[] {1, 2, 1, 2}, 1, 0, 0, 1);
        Tensor b = Tensor.ofFloats(new long[] {1, 2, 1, 2}, 1, 0, 0.5f, 0);
        assertEquals(0.5, new Metric.Argmax(null).score(List.of(Map.of("s", a)), List.of(Map.of("s", b))), 1e-12);
        Tensor rows = Tensor.ofFloats(new long[] {2, 3}, 0, 1, 0, 0, 0, 1);
        assertEquals(
                1, new Metric.Labels("digits", new int[] {1, 2}).score(List.of(), List.of(Map.of("p", rows))), 1e-12);
        assertEquals(
                0.5, new Metric.Labels("digits", new int[] {1, 0}).score(List.of(), List.of(Map.of("p", rows))), 1e-12);
    }

    @Test
    void everyOutputIsJudgedAndTheWorstCounts() {
        Map<String, Tensor> e = new LinkedHashMap<>();
        e.put("a", Tensor.ofFloats(new long[] {1, 2}, 1, 0));
        e.put("b", Tensor.ofFloats(new long[] {1, 2}, 100, 0));
        Map<String, Tensor> g = new LinkedHashMap<>();
        g.put("a", Tensor.ofFloats(new long[] {1, 2}, 0.5f, 0)); // 50% off
        g.put("b", Tensor.ofFloats(new long[] {1, 2}, 100, 0));
        Evaluation ev = Budget.parse("0.1", null).evaluate(List.of(e), List.of(g));
        assertEquals(0.5, ev.scores().get(0).value(), 1e-6, "the small output's damage is not hidden by the large one");
        assertFalse(ev.meets());
        YardException x = assertThrows(
                YardException.class, () -> Budget.parse("rel-l2:c<=0.1", null).evaluate(List.of(e), List.of(g)));
        assertTrue(x.getMessage().contains("no output 'c'"), x.getMessage());
    }
}
