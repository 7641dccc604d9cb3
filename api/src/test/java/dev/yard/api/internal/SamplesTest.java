package dev.yard.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.yard.ir.Tensor;
import dev.yard.ir.YardException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplesTest {
    @TempDir
    Path dir;

    static final Samples.PixelNorm ISNET = new Samples.PixelNorm(128, 256);

    /** A W x H picture where pixel (x, y) has red 10x+1, green 20y+2, blue 7. */
    Path picture(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((10 * x + 1) << 16) | ((20 * y + 2) << 8) | 7);
            }
        }
        Path p = dir.resolve("p" + w + "x" + h + ".png");
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void pixelsBecomeNormalisedRgbPlanes() throws Exception {
        Tensor t = Samples.image(picture(3, 2), new long[] {1, 3, 2, 3}, ISNET);
        float[] v = t.toFloatArray();
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int at = y * 3 + x;
                assertEquals((10 * x + 1 - 128) / 256f, v[at], 1e-7, "red at " + x + "," + y);
                assertEquals((20 * y + 2 - 128) / 256f, v[6 + at], 1e-7, "green at " + x + "," + y);
                assertEquals((7 - 128) / 256f, v[12 + at], 1e-7, "blue at " + x + "," + y);
            }
        }
    }

    @Test
    void resizingInterpolatesWithinTheImagesRange() throws Exception {
        float[] v = Samples.image(picture(2, 2), new long[] {1, 1, 8, 8}, new Samples.PixelNorm(0, 1))
                .toFloatArray();
        assertEquals(64, v.length);
        double lo = 0.299 * 1 + 0.587 * 2 + 0.114 * 7;
        double hi = 0.299 * 11 + 0.587 * 22 + 0.114 * 7;
        boolean between = false;
        for (float f : v) {
            assertTrue(f >= lo - 1 && f <= hi + 1, "luminance " + f + " outside the picture's " + lo + ".." + hi);
            between |= f > lo + 1 && f < hi - 1;
        }
        assertTrue(between, "bilinear resizing blends neighbouring pixels");
    }

    @Test
    void badFilesAndShapesNameTheFile() throws Exception {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not a picture");
        YardException e = assertThrows(YardException.class, () -> Samples.image(text, new long[] {1, 3, 4, 4}, ISNET));
        assertTrue(e.isBadInput() && e.getMessage().startsWith(text.toString()), e.getMessage());
        Path missing = dir.resolve("gone.png");
        e = assertThrows(YardException.class, () -> Samples.image(missing, new long[] {1, 3, 4, 4}, ISNET));
        assertTrue(e.getMessage().contains("gone.png: no such file"), e.getMessage());
        Path p = picture(2, 2);
        e = assertThrows(YardException.class, () -> Samples.image(p, new long[] {1, 4, 4, 4}, ISNET));
        assertTrue(e.getMessage().contains("[1, 1 or 3, H, W]"), e.getMessage());
        assertThrows(YardException.class, () -> Samples.PixelNorm.parse("128"));
        assertThrows(YardException.class, () -> Samples.PixelNorm.parse("1,0"));
        assertEquals(new Samples.PixelNorm(128, 256), Samples.PixelNorm.parse("128, 256"));
    }
}
