# Relax module emitted by Yard from the ONNX graph "reductions".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 3, 4), dtype="float32")) -> R.Tuple(R.Tensor((2, 1, 4), dtype="float32"), R.Tensor((2, 4), dtype="float32"), R.Tensor((1, 3, 1), dtype="float32"), R.Tensor((2, 3, 1), dtype="float32"), R.Tensor((3,), dtype="float32"), R.Tensor((2, 3), dtype="float32"), R.Tensor((1, 1, 1), dtype="float32"), R.Tensor((2, 4), dtype="float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            l1_elem: R.Tensor((2, 3, 4), dtype="float32") = R.abs(x)
            l1: R.Tensor((2, 1, 4), dtype="float32") = R.sum(l1_elem, axis=[1], keepdims=True)
            l2_elem: R.Tensor((2, 3, 4), dtype="float32") = R.square(x)
            l2_sum: R.Tensor((2, 4), dtype="float32") = R.sum(l2_elem, axis=[1], keepdims=False)
            l2: R.Tensor((2, 4), dtype="float32") = R.sqrt(l2_sum)
            a: R.Tensor((2, 3, 4), dtype="float32") = R.abs(x)
            ls_sum: R.Tensor((1, 3, 1), dtype="float32") = R.sum(a, axis=[0, 2], keepdims=True)
            ls: R.Tensor((1, 3, 1), dtype="float32") = R.log(ls_sum)
            lse_max: R.Tensor((2, 3, 1), dtype="float32") = R.max(x, axis=[2], keepdims=True)
            lse_shift: R.Tensor((2, 3, 1), dtype="float32") = R.where(R.isfinite(lse_max), lse_max, R.const(0.0, "float32"))
            lse_exp: R.Tensor((2, 3, 4), dtype="float32") = R.exp(R.subtract(x, lse_shift))
            lse_log: R.Tensor((2, 3, 1), dtype="float32") = R.log(R.sum(lse_exp, axis=[2], keepdims=True))
            lse: R.Tensor((2, 3, 1), dtype="float32") = R.add(lse_log, lse_shift)
            lse2_max: R.Tensor((1, 3, 1), dtype="float32") = R.max(x, axis=[0, 2], keepdims=True)
            lse2_shift: R.Tensor((1, 3, 1), dtype="float32") = R.where(R.isfinite(lse2_max), lse2_max, R.const(0.0, "float32"))
            lse2_exp: R.Tensor((2, 3, 4), dtype="float32") = R.exp(R.subtract(x, lse2_shift))
            lse2_log: R.Tensor((1, 3, 1), dtype="float32") = R.log(R.sum(lse2_exp, axis=[0, 2], keepdims=True))
            lse2_lse: R.Tensor((1, 3, 1), dtype="float32") = R.add(lse2_log, lse2_shift)
            lse2: R.Tensor((3,), dtype="float32") = R.reshape(lse2_lse, R.shape([3]))
            prod: R.Tensor((2, 3), dtype="float32") = R.prod(x, axis=[2], keepdims=False)
            sq_elem: R.Tensor((2, 3, 4), dtype="float32") = R.square(x)
            sq: R.Tensor((1, 1, 1), dtype="float32") = R.sum(sq_elem, axis=[0, 1, 2], keepdims=True)
            sum: R.Tensor((2, 4), dtype="float32") = R.sum(x, axis=[1], keepdims=False)
            outputs: R.Tuple(R.Tensor((2, 1, 4), dtype="float32"), R.Tensor((2, 4), dtype="float32"), R.Tensor((1, 3, 1), dtype="float32"), R.Tensor((2, 3, 1), dtype="float32"), R.Tensor((3,), dtype="float32"), R.Tensor((2, 3), dtype="float32"), R.Tensor((1, 1, 1), dtype="float32"), R.Tensor((2, 4), dtype="float32")) = l1, l2, ls, lse, lse2, prod, sq, sum
            R.output(outputs)
        return outputs
