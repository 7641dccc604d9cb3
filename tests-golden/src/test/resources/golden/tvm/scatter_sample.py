# Relax module emitted by Yard from the ONNX graph "scatter_sample".
# from tvm.script import ir as I
# from tvm.script import relax as R

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((3, 4), dtype="float32"), r: R.Tensor((2, 4), dtype="float32"), img: R.Tensor((1, 2, 4, 4), dtype="float32"), grid: R.Tensor((1, 3, 5, 2), dtype="float32"), ni: R.Tensor((2, 1), dtype="int64"), lens: R.Tensor((4,), dtype="int64")) -> R.Tuple(R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((1, 2, 3, 5), dtype="float32"), R.Tensor((1, 2, 3, 5), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 4), dtype="bool")):
        R.func_attr({"num_input": 4})
        with R.dataflow():
            nd: R.Tensor((3, 4), dtype="float32") = R.scatter_nd(x, ni, r, reduction="mul")
            rs: R.Tensor((3, 4), dtype="float32") = R.reverse_sequence(x, lens, seq_axis=0, batch_axis=1)
            gb_grid: R.Tensor((1, 2, 3, 5), dtype="float32") = R.permute_dims(grid, axes=[0, 3, 1, 2])
            gb: R.Tensor((1, 2, 3, 5), dtype="float32") = R.image.grid_sample(img, gb_grid, method="bilinear", layout="NCHW", padding_mode="border", align_corners=True)
            gn_grid: R.Tensor((1, 2, 3, 5), dtype="float32") = R.permute_dims(grid, axes=[0, 3, 1, 2])
            gn: R.Tensor((1, 2, 3, 5), dtype="float32") = R.image.grid_sample(img, gn_grid, method="nearest", layout="NCHW", padding_mode="reflection", align_corners=False)
            dy: R.Tensor((3, 4), dtype="float32") = x
            mask: R.Tensor((3, 4), dtype="bool") = R.ones(R.shape([3, 4]), dtype="bool")
            outputs: R.Tuple(R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((1, 2, 3, 5), dtype="float32"), R.Tensor((1, 2, 3, 5), dtype="float32"), R.Tensor((3, 4), dtype="float32"), R.Tensor((3, 4), dtype="bool")) = nd, rs, gb, gn, dy, mask
            R.output(outputs)
        return outputs
