package dev.yard.passes.cost;

import java.util.List;

/**
 * The layer configurations of the chains DESIGN.md's factorized-conv family makes of a dense
 * layer, as {@code decompose} builds them, for pricing a candidate before fitting it: the
 * first or middle factor keeps the layer's strides, pads and dilations, the 1x1 factors run
 * where their inputs are.
 */
public final class Chains {
    private Chains() {}

    /** 1x1 (or the layer's kernel, for svd of a k x k conv) Cin->R carrying the geometry, then 1x1 R->Cout. */
    public static List<Layer> svd(Layer.Conv c, int r) {
        Layer.Conv first = new Layer.Conv(
                c.type(), c.batch(), c.in(), r, c.h(), c.w(), c.kh(), c.kw(), 1, c.strides(), c.pads(), c.dilations());
        return List.of(first, pointwise(c, r, c.out(), first.outH(), first.outW()));
    }

    /** [rows, k] x [k, r], then [rows, r] x [r, n]. */
    public static List<Layer> svd(Layer.Matrix m, int r) {
        return List.of(new Layer.Matrix(m.type(), m.rows(), m.k(), r), new Layer.Matrix(m.type(), m.rows(), r, m.n()));
    }

    /** 1x1 Cin->Rin, the layer's kernel Rin->Rout in {@code groups} groups (1: tucker2, more: btd), 1x1 Rout->Cout. */
    public static List<Layer> tucker2(Layer.Conv c, int rout, int rin, int groups) {
        Layer.Conv mid = new Layer.Conv(
                c.type(),
                c.batch(),
                rin,
                rout,
                c.h(),
                c.w(),
                c.kh(),
                c.kw(),
                groups,
                c.strides(),
                c.pads(),
                c.dilations());
        return List.of(
                pointwise(c, c.in(), rin, c.h(), c.w()), mid, pointwise(c, rout, c.out(), mid.outH(), mid.outW()));
    }

    /** 1x1 Cin->R, kh x 1 then 1 x kw in R groups (cp: depthwise) or 1 group (tt, r1 = r2 = r3 = R), 1x1 R->Cout. */
    public static List<Layer> separable(Layer.Conv c, int r, boolean depthwise) {
        int g = depthwise ? r : 1;
        Layer.Conv v = new Layer.Conv(
                c.type(),
                c.batch(),
                r,
                r,
                c.h(),
                c.w(),
                c.kh(),
                1,
                g,
                new int[] {c.strides()[0], 1},
                new int[] {c.pads()[0], 0, c.pads()[2], 0},
                new int[] {c.dilations()[0], 1});
        Layer.Conv h = new Layer.Conv(
                c.type(),
                c.batch(),
                r,
                r,
                v.outH(),
                v.outW(),
                1,
                c.kw(),
                g,
                new int[] {1, c.strides()[1]},
                new int[] {0, c.pads()[1], 0, c.pads()[3]},
                new int[] {1, c.dilations()[1]});
        return List.of(pointwise(c, c.in(), r, c.h(), c.w()), v, h, pointwise(c, r, c.out(), h.outH(), h.outW()));
    }

    private static Layer.Conv pointwise(Layer.Conv c, int in, int out, int h, int w) {
        return Layer.Conv.pointwise(c.type(), c.batch(), in, out, h, w);
    }
}
