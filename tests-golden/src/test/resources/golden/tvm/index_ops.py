# Relax module emitted by Yard from the ONNX graph "index_ops".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 8, 3, 4), dtype="float32"), m: R.Tensor((3, 4), dtype="float32"), gi: R.Tensor((2,), dtype="int64"), ei: R.Tensor((3, 2), dtype="int64"), ni: R.Tensor((3, 2), dtype="int64")) -> R.Tuple(R.Tensor((2, 8, 2, 4), dtype="float32"), R.Tensor((3, 2), dtype="float32"), R.Tensor((3,), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((2, 3), dtype="int32"), R.Tensor((2, 2, 6, 8), dtype="float32"), R.Tensor((2, 2, 6, 8), dtype="float32"), R.Tensor((2, 8, 3, 4), dtype="float32")):
        R.func_attr({"num_input": 2})
        with R.dataflow():
            g: R.Tensor((2, 8, 2, 4), dtype="float32") = R.take(x, gi, axis=2, mode="wrap")
            ge_indices: R.Tensor((3, 2), dtype="int64") = R.where(R.less(ei, R.const(0, "int64")), R.add(ei, R.const(4, "int64")), ei)
            ge: R.Tensor((3, 2), dtype="float32") = R.gather_elements(m, ge_indices, axis=1)
            gn: R.Tensor((3,), dtype="float32") = R.gather_nd(m, ni, batch_dims=0)
            up: R.Tensor((3, 4), dtype="float32") = R.triu(m, k=0)
            lo: R.Tensor((3, 4), dtype="float32") = R.tril(m, k=-1)
            c: R.Tensor((2, 3), dtype="int32") = R.full(R.shape([2, 3]), R.const(7, "int32"), dtype="int32")
            d2s_split: R.Tensor((2, 2, 2, 2, 3, 4), dtype="float32") = R.reshape(x, R.shape([2, 2, 2, 2, 3, 4]))
            d2s_moved: R.Tensor((2, 2, 3, 2, 4, 2), dtype="float32") = R.permute_dims(d2s_split, axes=[0, 3, 4, 1, 5, 2])
            d2s: R.Tensor((2, 2, 6, 8), dtype="float32") = R.reshape(d2s_moved, R.shape([2, 2, 6, 8]))
            crd_split: R.Tensor((2, 2, 2, 2, 3, 4), dtype="float32") = R.reshape(x, R.shape([2, 2, 2, 2, 3, 4]))
            crd_moved: R.Tensor((2, 2, 3, 2, 4, 2), dtype="float32") = R.permute_dims(crd_split, axes=[0, 1, 4, 2, 5, 3])
            crd: R.Tensor((2, 2, 6, 8), dtype="float32") = R.reshape(crd_moved, R.shape([2, 2, 6, 8]))
            s2d_split: R.Tensor((2, 2, 3, 2, 4, 2), dtype="float32") = R.reshape(crd, R.shape([2, 2, 3, 2, 4, 2]))
            s2d_moved: R.Tensor((2, 2, 2, 2, 3, 4), dtype="float32") = R.permute_dims(s2d_split, axes=[0, 3, 5, 1, 2, 4])
            s2d: R.Tensor((2, 8, 3, 4), dtype="float32") = R.reshape(s2d_moved, R.shape([2, 8, 3, 4]))
            outputs: R.Tuple(R.Tensor((2, 8, 2, 4), dtype="float32"), R.Tensor((3, 2), dtype="float32"), R.Tensor((3,), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((2, 3), dtype="int32"), R.Tensor((2, 2, 6, 8), dtype="float32"), R.Tensor((2, 2, 6, 8), dtype="float32"), R.Tensor((2, 8, 3, 4), dtype="float32")) = g, ge, gn, up, lo, c, d2s, crd, s2d
            R.output(outputs)
        return outputs
