# Relax module emitted by Yard from the ONNX graph "pool_resize_concat".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((1, 4, 9, 9), dtype="float32")) -> R.Tuple(R.Tensor((1, 8, 10, 10), dtype="float32"), R.Tensor((1, 4, 1, 1), dtype="float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            p: R.Tensor((1, 4, 5, 5), dtype="float32") = R.nn.max_pool2d(x, pool_size=[2, 2], strides=[2, 2], padding=[0, 0, 0, 0], dilation=[1, 1], ceil_mode=True, layout="NCHW")
            a: R.Tensor((1, 4, 5, 5), dtype="float32") = R.nn.avg_pool2d(p, pool_size=[3, 3], strides=[1, 1], padding=[1, 1, 1, 1], dilation=[1, 1], ceil_mode=False, count_include_pad=False, layout="NCHW")
            r: R.Tensor((1, 4, 10, 10), dtype="float32") = R.image.resize2d(a, R.shape([10, 10]), layout="NCHW", method="linear", coordinate_transformation_mode="half_pixel", rounding_method="", cubic_alpha=-0.75, cubic_exclude=0)
            n: R.Tensor((1, 4, 10, 10), dtype="float32") = R.image.resize2d(p, R.shape([10, 10]), layout="NCHW", method="nearest_neighbor", coordinate_transformation_mode="asymmetric", rounding_method="floor", cubic_alpha=-0.75, cubic_exclude=0)
            s: R.Tensor((1, 4, 10, 10), dtype="float32") = R.sigmoid(n)
            y: R.Tensor((1, 8, 10, 10), dtype="float32") = R.concat((r, s), axis=1)
            g: R.Tensor((1, 4, 1, 1), dtype="float32") = R.mean(x, axis=[2, 3], keepdims=True)
            outputs: R.Tuple(R.Tensor((1, 8, 10, 10), dtype="float32"), R.Tensor((1, 4, 1, 1), dtype="float32")) = y, g
            R.output(outputs)
        return outputs
