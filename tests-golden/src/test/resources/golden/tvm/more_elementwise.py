# Relax module emitted by Yard from the ONNX graph "more_elementwise".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 4), dtype="float32"), v: R.Tensor((2, 4), dtype="float32"), S: R.Tensor((4,), dtype="float32")) -> R.Tuple(R.Tensor((2, 4), dtype="float32"), R.Tensor((2, 4), dtype="float32"), R.Tensor((2, 1), dtype="int64"), R.Tensor((2, 4), dtype="float32"), R.Tensor((2, 4), dtype="float32")):
        R.func_attr({"num_input": 2})
        with R.dataflow():
            f: R.Tensor((2, 4), dtype="float32") = R.floor(x)
            s: R.Tensor((2, 4), dtype="float32") = R.sin(f)
            el_expm1: R.Tensor((2, 4), dtype="float32") = R.subtract(R.exp(x), R.const(1.0, "float32"))
            el_neg: R.Tensor((2, 4), dtype="float32") = R.multiply(el_expm1, R.const(0.5, "float32"))
            el_picked: R.Tensor((2, 4), dtype="float32") = R.where(R.greater(x, R.const(0.0, "float32")), x, el_neg)
            el: R.Tensor((2, 4), dtype="float32") = el_picked
            se_expm1: R.Tensor((2, 4), dtype="float32") = R.subtract(R.exp(v), R.const(1.0, "float32"))
            se_neg: R.Tensor((2, 4), dtype="float32") = R.multiply(se_expm1, R.const(1.6732632, "float32"))
            se_picked: R.Tensor((2, 4), dtype="float32") = R.where(R.greater(v, R.const(0.0, "float32")), v, se_neg)
            se: R.Tensor((2, 4), dtype="float32") = R.multiply(se_picked, R.const(1.050701, "float32"))
            a_acc1: R.Tensor((2, 4), dtype="float32") = R.add(s, el)
            a: R.Tensor((2, 4), dtype="float32") = R.add(a_acc1, se)
            pr_scaled: R.Tensor((2, 4), dtype="float32") = R.multiply(x, S)
            pr: R.Tensor((2, 4), dtype="float32") = R.where(R.less(x, R.const(0.0, "float32")), pr_scaled, x)
            sp: R.Tensor((2, 4), dtype="float32") = R.nn.softplus(pr)
            ss_den: R.Tensor((2, 4), dtype="float32") = R.add(R.abs(v), R.const(1.0, "float32"))
            ss: R.Tensor((2, 4), dtype="float32") = R.divide(v, ss_den)
            b_sum1: R.Tensor((2, 4), dtype="float32") = R.add(sp, ss)
            b: R.Tensor((2, 4), dtype="float32") = R.divide(b_sum1, R.const(2.0, "float32"))
            c: R.Tensor((2, 1), dtype="int64") = R.argmax(x, axis=1, keepdims=True)
            gt: R.Tensor((2, 4), dtype="bool") = R.greater(x, v)
            d: R.Tensor((2, 4), dtype="float32") = R.where(gt, x, v)
            lt: R.Tensor((2, 4), dtype="bool") = R.less(x, v)
            either: R.Tensor((2, 4), dtype="bool") = R.logical_xor(gt, lt)
            e: R.Tensor((2, 4), dtype="float32") = R.astype(either, dtype="float32")
            outputs: R.Tuple(R.Tensor((2, 4), dtype="float32"), R.Tensor((2, 4), dtype="float32"), R.Tensor((2, 1), dtype="int64"), R.Tensor((2, 4), dtype="float32"), R.Tensor((2, 4), dtype="float32")) = a, b, c, d, e
            R.output(outputs)
        return outputs
