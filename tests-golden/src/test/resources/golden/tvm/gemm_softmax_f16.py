# Relax module emitted by Yard from the ONNX graph "gemm_softmax_f16".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 3, 4, 4), dtype="float32"), W: R.Tensor((10, 48), dtype="float32"), C: R.Tensor((10,), dtype="float32")) -> R.Tensor((2, 10), dtype="float32"):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            f: R.Tensor((2, 48), dtype="float32") = R.reshape(x, R.shape([2, 48]))
            h: R.Tensor((2, 48), dtype="float32") = f
            hf: R.Tensor((2, 48), dtype="float32") = h
            z_b_t: R.Tensor((48, 10), dtype="float32") = R.permute_dims(W, axes=[1, 0])
            z_matmul: R.Tensor((2, 10), dtype="float32") = R.matmul(hf, z_b_t)
            z_matmul_2: R.Tensor((2, 10), dtype="float32") = R.multiply(z_matmul, R.const(0.5, "float32"))
            z: R.Tensor((2, 10), dtype="float32") = R.add(z_matmul_2, C)
            hs_scaled: R.Tensor((2, 10), dtype="float32") = R.multiply(z, R.const(0.2, "float32"))
            hs_shifted: R.Tensor((2, 10), dtype="float32") = R.add(hs_scaled, R.const(0.5, "float32"))
            hs: R.Tensor((2, 10), dtype="float32") = R.clip(hs_shifted, R.prim_value(0.0), R.prim_value(1.0))
            t: R.Tensor((10, 2), dtype="float32") = R.permute_dims(hs, axes=[1, 0])
            u: R.Tensor((2, 10), dtype="float32") = R.permute_dims(t, axes=[1, 0])
            y: R.Tensor((2, 10), dtype="float32") = R.nn.softmax(u, axis=1)
            R.output(y)
        return y
