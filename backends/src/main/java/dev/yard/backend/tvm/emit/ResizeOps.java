package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * Resize of the two spatial dims of an NCHW tensor to {@code R.image.resize2d}, with the
 * output size taken from the inferred static output shape (so scales and sizes inputs need
 * no separate reading) and ONNX's mode, coordinate transformation and nearest rounding
 * passed through (TVM uses ONNX's names for them). GridSample to {@code R.image.grid_sample}.
 */
final class ResizeOps {
    private ResizeOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("Resize", ResizeOps::resize);
        rules.put("GridSample", ResizeOps::gridSample);
    }

    private static void resize(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] xd = cx.dims(x);
        long[] yd = cx.dims(y);
        if (xd.length != 4 || xd[0] != yd[0] || xd[1] != yd[1]) {
            throw cx.unsupported("only resizing H and W of a rank-4 NCHW tensor is supported");
        }
        String mode = n.stringAttr("mode", "nearest");
        String method = switch (mode) {
            case "nearest" -> "nearest_neighbor";
            case "linear" -> "linear";
            case "cubic" -> "cubic";
            default -> throw cx.unsupported("Resize mode '" + mode + "' is not supported");
        };
        String coord = n.stringAttr("coordinate_transformation_mode", "half_pixel");
        if (coord.equals("tf_crop_and_resize")) {
            throw cx.unsupported("Resize with tf_crop_and_resize is not supported");
        }
        String rounding = mode.equals("nearest") ? n.stringAttr("nearest_mode", "round_prefer_floor") : "";
        cx.bind(
                y,
                "R.image.resize2d(" + cx.use(x) + ", R.shape(" + EmitContext.list(yd[2], yd[3])
                        + "), layout=\"NCHW\", method=\""
                        + method + "\", coordinate_transformation_mode=\"" + coord + "\", rounding_method=\"" + rounding
                        + "\", cubic_alpha=" + EmitContext.floatLiteral(n.floatAttr("cubic_coeff_a", -0.75f))
                        + ", cubic_exclude=" + n.intAttr("exclude_outside", 0) + ")");
    }

    /**
     * GridSample (rank-4) to {@code R.image.grid_sample}, whose grid has the (x, y) pairs on
     * axis 1 where ONNX has them last.
     */
    private static void gridSample(Node n, EmitContext cx) {
        Value x = n.input(0);
        Value grid = n.input(1);
        Value y = n.output(0);
        long[] gd = cx.dims(grid);
        if (cx.rank(x) != 4 || gd.length != 4) {
            throw cx.unsupported("only GridSample of a rank-4 input is supported");
        }
        String mode = n.stringAttr("mode", "bilinear");
        String method = switch (mode) {
            case "bilinear", "linear" -> "bilinear";
            case "nearest" -> "nearest";
            case "bicubic", "cubic" -> "bicubic";
            default -> throw cx.unsupported("GridSample mode '" + mode + "' is not supported");
        };
        String padding = n.stringAttr("padding_mode", "zeros");
        if (!padding.equals("zeros") && !padding.equals("border") && !padding.equals("reflection")) {
            throw cx.unsupported("GridSample padding_mode '" + padding + "' is not supported");
        }
        String g = cx.temp(
                y,
                "grid",
                new long[] {gd[0], gd[3], gd[1], gd[2]},
                cx.dtype(grid),
                "R.permute_dims(" + cx.use(grid) + ", axes=[0, 3, 1, 2])");
        cx.bind(
                y,
                "R.image.grid_sample(" + cx.use(x) + ", " + g + ", method=\"" + method
                        + "\", layout=\"NCHW\", padding_mode=\"" + padding + "\", align_corners="
                        + (n.intAttr("align_corners", 0) != 0 ? "True" : "False") + ")");
    }
}
