# Relax module emitted by Yard from the ONNX graph "losses_and_more".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((3, 5, 2), dtype="float32"), a: R.Tensor((2, 3), dtype="float32"), b: R.Tensor((3, 4), dtype="float32"), img: R.Tensor((1, 6, 3, 3), dtype="float32"), W: R.Tensor((5,), dtype="float32"), one: R.Tensor((), dtype="float32"), t: R.Tensor((3, 2), dtype="int64"), t2: R.Tensor((3, 2), dtype="int64")) -> R.Tuple(R.Tensor((), dtype="float32"), R.Tensor((3, 2), dtype="float32"), R.Tensor((), dtype="float32"), R.Tensor((3, 5, 2), dtype="float32"), R.Tensor((2, 4), dtype="float32"), R.Tensor((3, 3), dtype="float32"), R.Tensor((1, 6, 3, 3), dtype="float32"), R.Tensor((1, 6, 3, 3), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 1, 2), dtype="int64")):
        R.func_attr({"num_input": 4})
        with R.dataflow():
            aw: R.Tensor((5,), dtype="float32") = R.abs(W)
            wp: R.Tensor((5,), dtype="float32") = R.add(aw, one)
            nll_kept: R.Tensor((3, 2), dtype="bool") = R.not_equal(t, R.const(-1, "int64"))
            nll_target: R.Tensor((3, 2), dtype="int64") = R.where(nll_kept, t, R.const(0, "int64"))
            nll_index: R.Tensor((3, 1, 2), dtype="int64") = R.reshape(nll_target, R.shape([3, 1, 2]))
            nll_picked: R.Tensor((3, 1, 2), dtype="float32") = R.gather_elements(x, nll_index, axis=1)
            nll_nlogp: R.Tensor((3, 2), dtype="float32") = R.negative(R.reshape(nll_picked, R.shape([3, 2])))
            nll_w: R.Tensor((3, 2), dtype="float32") = R.take(wp, nll_target, axis=0)
            nll_keep: R.Tensor((3, 2), dtype="float32") = R.astype(nll_kept, dtype="float32")
            nll_wk: R.Tensor((3, 2), dtype="float32") = R.multiply(nll_w, nll_keep)
            nll_weighted: R.Tensor((3, 2), dtype="float32") = R.multiply(nll_nlogp, nll_wk)
            nll_total: R.Tensor((), dtype="float32") = R.sum(nll_weighted)
            nll: R.Tensor((), dtype="float32") = R.divide(nll_total, R.sum(nll_wk))
            nlln_index: R.Tensor((3, 1, 2), dtype="int64") = R.reshape(t2, R.shape([3, 1, 2]))
            nlln_picked: R.Tensor((3, 1, 2), dtype="float32") = R.gather_elements(x, nlln_index, axis=1)
            nlln_nlogp: R.Tensor((3, 2), dtype="float32") = R.negative(R.reshape(nlln_picked, R.shape([3, 2])))
            nlln: R.Tensor((3, 2), dtype="float32") = nlln_nlogp
            lp: R.Tensor((3, 5, 2), dtype="float32") = R.nn.log_softmax(x, axis=1)
            sce_kept: R.Tensor((3, 2), dtype="bool") = R.not_equal(t, R.const(-1, "int64"))
            sce_target: R.Tensor((3, 2), dtype="int64") = R.where(sce_kept, t, R.const(0, "int64"))
            sce_index: R.Tensor((3, 1, 2), dtype="int64") = R.reshape(sce_target, R.shape([3, 1, 2]))
            sce_picked: R.Tensor((3, 1, 2), dtype="float32") = R.gather_elements(lp, sce_index, axis=1)
            sce_nlogp: R.Tensor((3, 2), dtype="float32") = R.negative(R.reshape(sce_picked, R.shape([3, 2])))
            sce_keep: R.Tensor((3, 2), dtype="float32") = R.astype(sce_kept, dtype="float32")
            sce_weighted: R.Tensor((3, 2), dtype="float32") = R.multiply(sce_nlogp, sce_keep)
            sce: R.Tensor((), dtype="float32") = R.sum(sce_weighted)
            mm: R.Tensor((2, 4), dtype="float32") = R.einsum((a, b), subscripts="ij,jk->ik")
            tr: R.Tensor((3, 3), dtype="float32") = R.einsum((a, a), subscripts="ij,ik->jk")
            lrn_sq: R.Tensor((1, 8, 3, 3), dtype="float32") = R.nn.pad(R.square(img), pad_width=[0, 0, 1, 1, 0, 0, 0, 0], pad_mode="constant", pad_value=0.0)
            lrn_win0: R.Tensor((1, 6, 3, 3), dtype="float32") = R.strided_slice(lrn_sq, axes=[1], begin=[0], end=[6], strides=[1])
            lrn_win1: R.Tensor((1, 6, 3, 3), dtype="float32") = R.add(lrn_win0, R.strided_slice(lrn_sq, axes=[1], begin=[1], end=[7], strides=[1]))
            lrn_win2: R.Tensor((1, 6, 3, 3), dtype="float32") = R.add(lrn_win1, R.strided_slice(lrn_sq, axes=[1], begin=[2], end=[8], strides=[1]))
            lrn_base: R.Tensor((1, 6, 3, 3), dtype="float32") = R.add(R.multiply(lrn_win2, R.const(0.0033333332, "float32")), R.const(1.5, "float32"))
            lrn: R.Tensor((1, 6, 3, 3), dtype="float32") = R.divide(img, R.power(lrn_base, R.const(0.75, "float32")))
            mvn_mean: R.Tensor((1, 6, 1, 1), dtype="float32") = R.mean(img, axis=[0, 2, 3], keepdims=True)
            mvn_centred: R.Tensor((1, 6, 3, 3), dtype="float32") = R.subtract(img, mvn_mean)
            mvn_std: R.Tensor((1, 6, 1, 1), dtype="float32") = R.sqrt(R.mean(R.square(mvn_centred), axis=[0, 2, 3], keepdims=True))
            mvn: R.Tensor((1, 6, 3, 3), dtype="float32") = R.divide(mvn_centred, R.add(mvn_std, R.const(1.0E-9, "float32")))
            eye: R.Tensor((3, 4), dtype="float32") = R.eye_like(b, k=1, dtype="float32")
            rounded: R.Tensor((3, 5, 2), dtype="float32") = R.round(x)
            am_flip: R.Tensor((3, 5, 2), dtype="float32") = R.flip(rounded, axis=1)
            am_first: R.Tensor((3, 1, 2), dtype="int64") = R.argmax(am_flip, axis=1, keepdims=True)
            am: R.Tensor((3, 1, 2), dtype="int64") = R.subtract(R.const(4, "int64"), am_first)
            outputs: R.Tuple(R.Tensor((), dtype="float32"), R.Tensor((3, 2), dtype="float32"), R.Tensor((), dtype="float32"), R.Tensor((3, 5, 2), dtype="float32"), R.Tensor((2, 4), dtype="float32"), R.Tensor((3, 3), dtype="float32"), R.Tensor((1, 6, 3, 3), dtype="float32"), R.Tensor((1, 6, 3, 3), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 1, 2), dtype="int64")) = nll, nlln, sce, lp, mm, tr, lrn, mvn, eye, am
            R.output(outputs)
        return outputs
