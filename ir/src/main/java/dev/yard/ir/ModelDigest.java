package dev.yard.ir;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A SHA-256 of what a model computes: its opsets, functions, and each graph's inputs (with
 * types), initializers (names, types, shapes and bytes), nodes (op, domain, attributes and the
 * names they read and write) and outputs. Names of nodes, doc strings and metadata are left
 * out. Two models with the same digest compute the same values, which is what caches keyed by
 * it need; equal models printed differently may still differ.
 */
public final class ModelDigest {
    private ModelDigest() {}

    /** The digest as 64 hex digits. */
    public static String of(Model model) {
        Hasher md = Hashing.sha256().newHasher();
        Feed f = new Feed(md);
        f.text("yard-model-digest 1");
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(model.opsetImports()).entrySet()) {
            f.text(e.getKey()).number(e.getValue());
        }
        for (Function fn : model.functions()) {
            f.text(fn.domain()).text(fn.name()).text(fn.overload());
            f.text(String.valueOf(fn.attributeNames()));
            for (Attribute a : fn.attributeDefaults()) {
                f.attribute(a);
            }
            f.graph(fn.body());
        }
        f.graph(model.graph());
        return md.hash().toString();
    }

    /** Length-prefixed fields, so that no two different structures feed the same bytes. */
    private static final class Feed {
        private final Hasher md;

        Feed(Hasher md) {
            this.md = md;
        }

        Feed text(String s) {
            byte[] b = (s == null ? "\u0000null" : s).getBytes(StandardCharsets.UTF_8);
            number(b.length);
            md.putBytes(b);
            return this;
        }

        Feed number(long v) {
            md.putLong(v);
            return this;
        }

        void values(List<Value> values) {
            number(values.size());
            for (Value v : values) {
                text(v == null ? "" : v.name());
            }
        }

        void tensor(Tensor t) {
            text(t.digest()); // type, dimensions and contents
        }

        void attribute(Attribute a) {
            text(a.name()).text(a.kind().name()).text(a.refAttrName());
            Object v = a.value();
            if (v instanceof Tensor t) {
                tensor(t);
            } else if (v instanceof Graph g) {
                graph(g);
            } else if (v instanceof List<?> list) {
                number(list.size());
                for (Object o : list) {
                    if (o instanceof Graph g) {
                        graph(g);
                    } else if (o instanceof Tensor t) {
                        tensor(t);
                    } else {
                        text(String.valueOf(o));
                    }
                }
            } else {
                text(a.toString());
            }
        }

        void graph(Graph g) {
            text("graph");
            number(g.inputs().size());
            for (Value v : g.inputs()) {
                text(v.name()).text(String.valueOf(v.type()));
            }
            number(g.initializers().size());
            for (Value v : g.initializers()) {
                text(v.name());
                tensor(v.initializer());
            }
            number(g.nodes().size());
            for (Node n : g.nodes()) {
                text(n.domain()).text(n.opType());
                values(n.inputs());
                values(n.outputs());
                List<Attribute> attrs = n.attributes().values().stream()
                        .sorted(java.util.Comparator.comparing(Attribute::name))
                        .toList();
                number(attrs.size());
                for (Attribute a : attrs) {
                    attribute(a);
                }
            }
            values(g.outputs());
        }
    }
}
