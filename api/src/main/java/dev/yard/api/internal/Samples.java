package dev.yard.api.internal;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Real images as model inputs: a PNG, JPEG, BMP or GIF file becomes an NCHW float tensor of
 * the input's shape [1, C, H, W] (C = 3: RGB planes, C = 1: luminance), resized bilinearly
 * to H x W, each value {@code (pixel - mean) / std} with pixels in 0..255.
 */
public final class Samples {
    private Samples() {}

    /** How pixel values map to input values: {@code (pixel - mean) / std}. */
    public record PixelNorm(double mean, double std) {
        public static PixelNorm parse(String text) {
            String[] parts = text.split(",");
            try {
                if (parts.length == 2) {
                    PixelNorm n =
                            new PixelNorm(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
                    if (n.std != 0 && Double.isFinite(n.mean) && Double.isFinite(n.std)) {
                        return n;
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw YardException.badInput(
                    "--pixel-norm: '" + text + "' is not MEAN,STD with STD not zero (e.g. 128,256)");
        }
    }

    public static Tensor image(Path file, long[] shape, PixelNorm norm) {
        if (shape.length != 4 || shape[0] != 1 || (shape[1] != 1 && shape[1] != 3) || shape[2] <= 0 || shape[3] <= 0) {
            throw YardException.badInput(file + ": an image sample needs a model input of shape [1, 1 or 3, H, W], "
                    + "this one is " + java.util.Arrays.toString(shape) + " (give --input-shape for dynamic ones)");
        }
        BufferedImage img;
        try {
            if (!Files.isRegularFile(file)) {
                throw YardException.badInput(file + ": no such file");
            }
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw YardException.badInput(file + ": cannot be read as an image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw YardException.badInput(file + ": not an image this reader knows (PNG, JPEG, BMP, GIF)");
        }
        int h = (int) shape[2];
        int w = (int) shape[3];
        BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        int channels = (int) shape[1];
        float[] v = new float[channels * h * w];
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = scaled.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int gr = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                int at = y * w + x;
                if (channels == 3) {
                    v[at] = (float) ((r - norm.mean) / norm.std);
                    v[plane + at] = (float) ((gr - norm.mean) / norm.std);
                    v[2 * plane + at] = (float) ((b - norm.mean) / norm.std);
                } else {
                    v[at] = (float) ((0.299 * r + 0.587 * gr + 0.114 * b - norm.mean) / norm.std);
                }
            }
        }
        return Tensor.ofFloats(shape, v);
    }

    /**
     * The images of a folder (PNG, JPEG, BMP, GIF by extension), sorted by name; bad input when
     * the folder is missing or holds none. {@code flag} names the option, for the message.
     */
    public static java.util.List<Path> folder(Path dir, String flag) {
        if (!Files.isDirectory(dir)) {
            throw YardException.badInput(flag + " " + dir + ": not a folder");
        }
        java.util.List<Path> out;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            out = s.filter(p ->
                            p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|gif)"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw YardException.badInput(flag + " " + dir + ": cannot be listed: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw YardException.badInput(flag + " " + dir + ": holds no images (PNG, JPEG, BMP, GIF)");
        }
        return out;
    }

    public static String describe(PixelNorm norm) {
        return String.format(Locale.ROOT, "(pixel - %s) / %s", trim(norm.mean), trim(norm.std));
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
