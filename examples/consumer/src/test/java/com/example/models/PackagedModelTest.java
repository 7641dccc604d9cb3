package com.example.models;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The optimized model is on the class path, as the service loads it. */
class PackagedModelTest {
    @Test
    void theOptimizedModelIsPackaged() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("cnn_mnist.onnx")) {
            assertNotNull(in, "cnn_mnist.onnx is not on the class path");
            byte[] bytes = in.readAllBytes();
            assertTrue(bytes.length > 1000 && bytes.length < 80_000, "unexpected size " + bytes.length);
        }
    }
}
