package dev.yard.backend.tvm.emit;

import dev.yard.ir.Node;
import dev.yard.ir.Value;
import java.util.Map;

/**
 * Resize of the two spatial dims of an NCHW tensor to {@code R.image.resize2d}, with the
 * output size taken from the inferred static output shape (so scales and sizes inputs need
 * no separate reading) and ONNX's mode, coordinate transformation and nearest rounding
 * passed through (TVM uses ONNX's names for them).
 */
final class ResizeOps {
    private ResizeOps() {}

    static void register(Map<String, OpRule> rules) {
        rules.put("Resize", ResizeOps::resize);
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
}
