# Relax module emitted by Yard from the ONNX graph "cumsum_onehot_range".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 5), dtype="float32"), idx: R.Tensor((2, 4), dtype="int64")) -> R.Tuple(R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((4,), dtype="int32"), R.Tensor((5,), dtype="float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            cs: R.Tensor((2, 5), dtype="float32") = R.cumsum(x, axis=1, exclusive=False)
            csr_flip: R.Tensor((2, 5), dtype="float32") = R.flip(x, axis=1)
            csr_sum: R.Tensor((2, 5), dtype="float32") = R.cumsum(csr_flip, axis=1, exclusive=True)
            csr: R.Tensor((2, 5), dtype="float32") = R.flip(csr_sum, axis=1)
            oh_wrapped: R.Tensor((2, 4), dtype="int64") = R.where(R.less(idx, R.const(0, "int64")), R.add(idx, R.const(3, "int64")), idx)
            oh: R.Tensor((2, 3, 4), dtype="float32") = R.one_hot(oh_wrapped, R.prim_value(T.float32(2.0)), R.prim_value(T.float32(-1.0)), depth=3, axis=1)
            r_index: R.Tensor((4,), dtype="int32") = R.arange(0, 4, 1, dtype="int32")
            r_steps: R.Tensor((4,), dtype="int32") = R.multiply(r_index, R.const(-2, "int32"))
            r: R.Tensor((4,), dtype="int32") = R.add(r_steps, R.const(10, "int32"))
            fr_index: R.Tensor((5,), dtype="float32") = R.arange(0, 5, 1, dtype="float32")
            fr_steps: R.Tensor((5,), dtype="float32") = R.multiply(fr_index, R.const(0.5, "float32"))
            fr: R.Tensor((5,), dtype="float32") = R.add(fr_steps, R.const(0.5, "float32"))
            outputs: R.Tuple(R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 3, 4), dtype="float32"), R.Tensor((4,), dtype="int32"), R.Tensor((5,), dtype="float32")) = cs, csr, oh, r, fr
            R.output(outputs)
        return outputs
