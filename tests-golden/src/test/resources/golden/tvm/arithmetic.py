# Relax module emitted by Yard from the ONNX graph "arithmetic".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 5), dtype="float32"), v: R.Tensor((2, 5), dtype="float32"), ten: R.Tensor((), dtype="float32"), zi: R.Tensor((), dtype="int32"), one: R.Tensor((), dtype="int32"), two: R.Tensor((), dtype="uint8"), k200: R.Tensor((), dtype="float32"), three: R.Tensor((), dtype="int32")) -> R.Tuple(R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="int32"), R.Tensor((2, 5), dtype="uint8"), R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="float64"), R.Tensor((2, 5), dtype="bool"), R.Tensor((2, 5), dtype="bool"), R.Tensor((2, 5), dtype="int32")):
        R.func_attr({"num_input": 2})
        with R.dataflow():
            fm: R.Tensor((2, 5), dtype="float32") = R.mod(x, v)
            x10: R.Tensor((2, 5), dtype="float32") = R.multiply(x, ten)
            v10: R.Tensor((2, 5), dtype="float32") = R.multiply(v, ten)
            xi: R.Tensor((2, 5), dtype="int32") = R.astype(x10, dtype="int32")
            vi: R.Tensor((2, 5), dtype="int32") = R.astype(v10, dtype="int32")
            isz: R.Tensor((2, 5), dtype="bool") = R.equal(vi, zi)
            vnz: R.Tensor((2, 5), dtype="int32") = R.where(isz, one, vi)
            im: R.Tensor((2, 5), dtype="int32") = R.floor_mod(xi, vnz)
            ax: R.Tensor((2, 5), dtype="float32") = R.abs(x10)
            xu: R.Tensor((2, 5), dtype="uint8") = R.astype(ax, dtype="uint8")
            sh: R.Tensor((2, 5), dtype="uint8") = R.right_shift(xu, two)
            ce_scaled: R.Tensor((2, 5), dtype="float32") = R.divide(x, R.const(0.5, "float32"))
            ce_expm1: R.Tensor((2, 5), dtype="float32") = R.subtract(R.exp(ce_scaled), R.const(1.0, "float32"))
            ce_neg: R.Tensor((2, 5), dtype="float32") = R.minimum(R.multiply(ce_expm1, R.const(0.5, "float32")), R.const(0.0, "float32"))
            ce: R.Tensor((2, 5), dtype="float32") = R.add(R.maximum(x, R.const(0.0, "float32")), ce_neg)
            sr_high: R.Tensor((2, 5), dtype="float32") = R.where(R.greater(x, R.const(0.3, "float32")), R.subtract(x, R.const(0.1, "float32")), R.const(0.0, "float32"))
            sr: R.Tensor((2, 5), dtype="float32") = R.where(R.less(x, R.const(-0.3, "float32")), R.add(x, R.const(0.1, "float32")), sr_high)
            cl: R.Tensor((2, 5), dtype="float64") = R.astype(x, dtype="float64")
            ab: R.Tensor((2, 5), dtype="float32") = R.abs(x)
            big: R.Tensor((2, 5), dtype="float32") = R.multiply(ab, k200)
            huge: R.Tensor((2, 5), dtype="float32") = R.exp(big)
            inf: R.Tensor((2, 5), dtype="float32") = R.multiply(huge, x)
            pinf_inf: R.Tensor((2, 5), dtype="bool") = R.isinf(inf)
            pinf: R.Tensor((2, 5), dtype="bool") = R.logical_and(pinf_inf, R.greater(inf, R.const(0.0, "float32")))
            ninf_inf: R.Tensor((2, 5), dtype="bool") = R.isinf(inf)
            ninf: R.Tensor((2, 5), dtype="bool") = R.logical_and(ninf_inf, R.less(inf, R.const(0.0, "float32")))
            ip_base: R.Tensor((2, 5), dtype="float64") = R.astype(xi, dtype="float64")
            ip_pow: R.Tensor((2, 5), dtype="float64") = R.power(ip_base, R.astype(three, dtype="float64"))
            ip: R.Tensor((2, 5), dtype="int32") = R.astype(ip_pow, dtype="int32")
            outputs: R.Tuple(R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="int32"), R.Tensor((2, 5), dtype="uint8"), R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="float32"), R.Tensor((2, 5), dtype="float64"), R.Tensor((2, 5), dtype="bool"), R.Tensor((2, 5), dtype="bool"), R.Tensor((2, 5), dtype="int32")) = fm, im, sh, ce, sr, cl, pinf, ninf, ip
            R.output(outputs)
        return outputs
