package dev.yard.api.internal;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 62 labelled MNIST test digits that ship with the built-in LeNet (libsvm text: a label,
 * then {@code pixel:value} pairs with 0-based pixel indices and values 0..255), as a batch
 * [62,1,28,28] scaled to [0, 1].
 */
public record MnistDigits(Tensor images, int[] labels) {
    public static final String RESOURCE = "org/tribuo/interop/onnx/mnist_test_head.libsvm";

    public static MnistDigits load() {
        try (InputStream in = MnistDigits.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new YardException(RESOURCE + " is missing from the class path (tribuo-onnx tests jar)", false);
            }
            List<float[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 0 || parts[0].isEmpty()) {
                    continue;
                }
                float[] pixels = new float[784];
                for (int i = 1; i < parts.length; i++) {
                    int colon = parts[i].indexOf(':');
                    pixels[Integer.parseInt(parts[i].substring(0, colon))] =
                            Float.parseFloat(parts[i].substring(colon + 1)) / 255f;
                }
                rows.add(pixels);
                labels.add((int) Double.parseDouble(parts[0]));
            }
            float[] all = new float[rows.size() * 784];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, all, i * 784, 784);
            }
            return new MnistDigits(
                    Tensor.ofFloats(new long[] {rows.size(), 1, 28, 28}, all),
                    labels.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException | RuntimeException e) {
            throw new YardException("cannot read the bundled MNIST digits: " + e.getMessage(), false, e);
        }
    }

    /** Images 0, 2, 4, ...: half the digits, for calibration. */
    public Tensor everyOther() {
        return half(0);
    }

    /** Images 1, 3, 5, ...: the digits calibration never sees, for judging rank selection. */
    public Tensor heldOut() {
        return half(1);
    }

    /** The labels of {@link #heldOut()}. */
    public int[] heldOutLabels() {
        int[] out = new int[labels.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[2 * i + 1];
        }
        return out;
    }

    private Tensor half(int first) {
        float[] all = images.toFloatArray();
        int n = (labels.length - first + 1) / 2;
        float[] half = new float[n * 784];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, (2 * i + first) * 784, half, i * 784, 784);
        }
        return Tensor.ofFloats(new long[] {n, 1, 28, 28}, half);
    }

    /** How many rows of {@code scores} [n, 10] have their maximum at the label. */
    public int correct(Tensor scores) {
        float[] s = scores.toFloatArray();
        int classes = (int) (s.length / labels.length);
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (s[i * classes + c] > s[i * classes + best]) {
                    best = c;
                }
            }
            right += best == labels[i] ? 1 : 0;
        }
        return right;
    }
}
