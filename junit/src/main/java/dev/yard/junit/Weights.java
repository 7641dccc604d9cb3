package dev.yard.junit;

import dev.yard.ir.ElementType;
import dev.yard.ir.Model;
import dev.yard.ir.Tensor;
import dev.yard.ir.Value;
import dev.yard.ir.text.OnnxTextReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded weights for golden cases, so that realistic layers stay readable and executable. In
 * an initializer list, a generator stands where the elements would:
 *
 * <pre>
 *   &lt;float[8,3,3,3] W = randn(seed=1, scale=0.1), float16[8] var = uniform(seed=4, lo=0.5, hi=2)&gt;
 * </pre>
 *
 * {@code randn(seed, scale=1, mean=0)} draws normal values, {@code uniform(seed, lo=-1, hi=1)}
 * uniform ones, {@code randint(seed, lo=0, hi=4)} integers in [lo, hi). Values come from
 * {@link java.util.Random} (whose sequence Java specifies), drawn in float64 and converted to the
 * declared element type (through float32 for the 16-bit types). Generators are a golden-file extension of the text, expanded
 * before the model reader sees it.
 */
final class Weights {
    private static final Pattern GENERATOR =
            Pattern.compile("([A-Za-z_][\\w.]*)\\s*=\\s*(randn|uniform|randint)\\(([^)]*)\\)");
    private static final String STAND_IN = "sha256:" + "0".repeat(64);

    private Weights() {}

    /** Reads {@code text}, generating the weights its generators ask for; the model has no placeholders. */
    static Model read(String text, String source) {
        Map<String, String[]> generators = new LinkedHashMap<>();
        Matcher m = GENERATOR.matcher(text);
        StringBuilder plain = new StringBuilder();
        while (m.find()) {
            generators.put(m.group(1), new String[] {m.group(2), m.group(3)});
            m.appendReplacement(plain, Matcher.quoteReplacement(m.group(1) + " = " + STAND_IN));
        }
        m.appendTail(plain);
        Model model = OnnxTextReader.parse(plain.toString(), source, OnnxTextReader.Options.COMPACT);
        for (Value v : model.graph().initializers()) {
            String[] g = generators.remove(v.name());
            if (g != null) {
                Tensor t = v.initializer();
                v.setInitializer(generate(g[0], options(g[1], source), t.elementType(), t.dims()));
            } else if (v.initializer().isPlaceholder()) {
                throw new IllegalArgumentException(source + ": initializer " + v.name()
                        + " is given by digest; an input must hold its elements or a generator");
            }
        }
        if (!generators.isEmpty()) {
            throw new IllegalArgumentException(source + ": generators for non-initializers " + generators.keySet());
        }
        return model;
    }

    private static Map<String, Double> options(String text, String source) {
        Map<String, Double> o = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException(
                        source + ": generator option '" + part.trim() + "' is not key=value");
            }
            o.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
        }
        if (!o.containsKey("seed")) {
            throw new IllegalArgumentException(source + ": a generator needs a seed: " + text);
        }
        return o;
    }

    private static Tensor generate(String kind, Map<String, Double> o, ElementType type, long[] dims) {
        Random r = new Random(o.get("seed").longValue());
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        double[] v = new double[Math.toIntExact(count)];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (kind) {
                case "randn" -> o.getOrDefault("mean", 0.0) + o.getOrDefault("scale", 1.0) * r.nextGaussian();
                case "uniform" -> {
                    double lo = o.getOrDefault("lo", -1.0);
                    yield lo + (o.getOrDefault("hi", 1.0) - lo) * r.nextDouble();
                }
                default -> {
                    long lo = o.getOrDefault("lo", 0.0).longValue();
                    yield lo + r.nextInt((int) (o.getOrDefault("hi", 4.0).longValue() - lo));
                }
            };
        }
        return dev.yard.backend.ort.SeededInputs.ofDoubles(type, dims, v);
    }
}
