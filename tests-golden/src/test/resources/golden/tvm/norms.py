# Relax module emitted by Yard from the ONNX graph "norms".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 3, 4), dtype="float32"), S: R.Tensor((3, 4), dtype="float32"), B: R.Tensor((3, 4), dtype="float32")) -> R.Tuple(R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((2, 1, 1), dtype="float32"), R.Tensor((2, 1, 1), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            y: R.Tensor((2, 3, 4), dtype="float32") = R.nn.layer_norm(x, S, B, axes=[1, 2], epsilon=0.001, center=True, scale=True)
            z_mean: R.Tensor((2, 1, 1), dtype="float32") = R.mean(x, axis=[1, 2], keepdims=True)
            z_centred: R.Tensor((2, 3, 4), dtype="float32") = R.subtract(x, z_mean)
            z_var: R.Tensor((2, 1, 1), dtype="float32") = R.mean(R.square(z_centred), axis=[1, 2], keepdims=True)
            z_inv_std: R.Tensor((2, 1, 1), dtype="float32") = R.rsqrt(R.add(z_var, R.const(1.0E-5, "float32")))
            z_normed: R.Tensor((2, 3, 4), dtype="float32") = R.multiply(z_centred, z_inv_std)
            z: R.Tensor((2, 3, 4), dtype="float32") = R.multiply(z_normed, S)
            mean: R.Tensor((2, 1, 1), dtype="float32") = z_mean
            inv: R.Tensor((2, 1, 1), dtype="float32") = z_inv_std
            h_argmax: R.Tensor((2, 3), dtype="int64") = R.argmax(x, axis=2, keepdims=False)
            h: R.Tensor((2, 3, 4), dtype="float32") = R.one_hot(h_argmax, R.prim_value(T.float32(1)), R.prim_value(T.float32(0)), depth=4, axis=2)
            h0_argmax: R.Tensor((3, 4), dtype="int64") = R.argmax(z, axis=0, keepdims=False)
            h0: R.Tensor((2, 3, 4), dtype="float32") = R.one_hot(h0_argmax, R.prim_value(T.float32(1)), R.prim_value(T.float32(0)), depth=2, axis=0)
            outputs: R.Tuple(R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((2, 1, 1), dtype="float32"), R.Tensor((2, 1, 1), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32")) = y, z, mean, inv, h, h0
            R.output(outputs)
        return outputs
