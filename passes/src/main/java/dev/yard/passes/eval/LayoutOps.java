package dev.yard.passes.eval;

import dev.yard.ir.Node;
import dev.yard.passes.eval.Evaluator.NotFoldable;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The data-movement ops of the evaluator: Gather, Concat, Unsqueeze, Squeeze, Reshape, Slice,
 * Transpose and Expand. Each computes where every result element comes from and hands that
 * index map to {@link Arr#take}; no element is computed, only moved.
 */
final class LayoutOps {
    private final ResultCap cap;

    LayoutOps(ResultCap cap) {
        this.cap = cap;
    }

    Arr gather(Arr data, Arr idx, int axis) throws NotFoldable {
        int r = data.rank();
        axis = axis < 0 ? axis + r : axis;
        long[] id = idx.longs();
        long n = data.dims()[axis];
        long[] dims = Broadcast.concat(
                Arrays.copyOfRange(data.dims(), 0, axis), idx.dims(), Arrays.copyOfRange(data.dims(), axis + 1, r));
        int[] from = cap.indices(dims);
        long inner = Broadcast.count(Arrays.copyOfRange(data.dims(), axis + 1, r));
        int k = 0;
        long outer = Broadcast.count(Arrays.copyOfRange(data.dims(), 0, axis));
        for (long o = 0; o < outer; o++) {
            for (long j : id) {
                long jj = j < 0 ? j + n : j;
                if (jj < 0 || jj >= n) {
                    throw new NotFoldable("Gather index " + j + " is out of range for a dimension of " + n);
                }
                for (long q = 0; q < inner; q++) {
                    from[k++] = (int) ((o * n + jj) * inner + q);
                }
            }
        }
        return data.take(data.type(), dims, from);
    }

    Arr concat(List<Arr> in, int axis) throws NotFoldable {
        int r = in.get(0).rank();
        axis = axis < 0 ? axis + r : axis;
        long[] dims = in.get(0).dims().clone();
        dims[axis] = 0;
        for (Arr a : in) {
            dims[axis] += a.dims()[axis];
        }
        int[] from = cap.indices(dims);
        long outer = Broadcast.count(Arrays.copyOfRange(dims, 0, axis));
        long inner = Broadcast.count(Arrays.copyOfRange(dims, axis + 1, r));
        Arr all = in.get(0);
        long[] base = new long[in.size()];
        for (int i = 1; i < in.size(); i++) {
            base[i] = base[i - 1] + in.get(i - 1).size();
            all = Arr.concatFlat(all, in.get(i));
        }
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (int i = 0; i < in.size(); i++) {
                long chunk = in.get(i).dims()[axis] * inner;
                for (long q = 0; q < chunk; q++) {
                    from[k++] = (int) (base[i] + o * chunk + q);
                }
            }
        }
        return all.take(in.get(0).type(), dims, from);
    }

    Arr unsqueeze(Arr x, long[] axes) throws NotFoldable {
        int r = x.rank() + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            inserted[(int) (a < 0 ? a + r : a)] = true;
        }
        long[] dims = new long[r];
        for (int i = 0, j = 0; i < r; i++) {
            dims[i] = inserted[i] ? 1 : x.dims()[j++];
        }
        return reshapeTo(x, dims);
    }

    Arr squeeze(Arr x, long[] axes) throws NotFoldable {
        int r = x.rank();
        boolean[] drop = new boolean[r];
        for (int i = 0; i < r; i++) {
            drop[i] = axes == null && x.dims()[i] == 1;
        }
        if (axes != null) {
            for (long a : axes) {
                int i = (int) (a < 0 ? a + r : a);
                if (x.dims()[i] != 1) {
                    throw new NotFoldable("Squeeze of axis " + a + " of size " + x.dims()[i]);
                }
                drop[i] = true;
            }
        }
        return reshapeTo(
                x,
                IntStream.range(0, r)
                        .filter(i -> !drop[i])
                        .mapToLong(i -> x.dims()[i])
                        .toArray());
    }

    Arr reshape(Arr x, long[] shape, boolean allowZero) throws NotFoldable {
        long[] dims = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && !allowZero) {
                dims[i] = x.dims()[i];
            }
            if (dims[i] == -1) {
                infer = i;
            } else {
                known *= dims[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new NotFoldable("Reshape of " + x.size() + " elements to " + Arrays.toString(shape));
            }
            dims[infer] = x.size() / known;
        }
        return reshapeTo(x, dims);
    }

    private Arr reshapeTo(Arr x, long[] dims) throws NotFoldable {
        int[] from = cap.indices(dims);
        if (from.length != x.size()) {
            throw new NotFoldable("cannot reshape " + x.size() + " elements to " + Arrays.toString(dims));
        }
        for (int i = 0; i < from.length; i++) {
            from[i] = i;
        }
        return x.take(x.type(), dims, from);
    }

    Arr slice(Node n, List<Arr> in) throws NotFoldable {
        Arr x = in.get(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (in.size() > 1) {
            starts = in.get(1).longs();
            ends = in.get(2).longs();
            axes = in.size() > 3 && in.get(3) != null ? in.get(3).longs() : null;
            steps = in.size() > 4 && in.get(4) != null ? in.get(4).longs() : null;
        } else {
            starts = n.intsAttr("starts");
            ends = n.intsAttr("ends");
            axes = n.intsAttr("axes");
        }
        int r = x.rank();
        long[] start = new long[r];
        long[] step = new long[r];
        long[] dims = x.dims().clone();
        Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int a = (int) (axes == null ? k : axes[k] < 0 ? axes[k] + r : axes[k]);
            long d = x.dims()[a];
            long s = steps == null ? 1 : steps[k];
            if (s == 0) {
                throw new NotFoldable("Slice step 0");
            }
            long b = starts[k] < 0 ? starts[k] + d : starts[k];
            long e = ends[k] < 0 ? ends[k] + d : ends[k];
            // ONNX clamps starts and ends to [0, d] going forward and [-1, d-1] going backward.
            b = s > 0 ? Math.max(0, Math.min(b, d)) : Math.max(-1, Math.min(b, d - 1));
            e = s > 0 ? Math.max(0, Math.min(e, d)) : Math.max(-1, Math.min(e, d - 1));
            start[a] = b;
            step[a] = s;
            dims[a] = s > 0 ? Math.max(0, (e - b + s - 1) / s) : Math.max(0, (b - e - s - 1) / -s);
        }
        int[] from = cap.indices(dims);
        long[] strides = Broadcast.strides(x.dims());
        long[] pos = new long[r];
        for (int i = 0; i < from.length; i++) {
            long src = 0;
            for (int a = 0; a < r; a++) {
                src += (start[a] + pos[a] * step[a]) * strides[a];
            }
            from[i] = (int) src;
            Broadcast.increment(pos, dims);
        }
        return x.take(x.type(), dims, from);
    }

    Arr transpose(Arr x, long[] perm) throws NotFoldable {
        int r = x.rank();
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        long[] dims = new long[r];
        long[] strides = Broadcast.strides(x.dims());
        long[] permStrides = new long[r];
        for (int i = 0; i < r; i++) {
            dims[i] = x.dims()[(int) perm[i]];
            permStrides[i] = strides[(int) perm[i]];
        }
        int[] from = cap.indices(dims);
        long[] pos = new long[r];
        for (int i = 0; i < from.length; i++) {
            long src = 0;
            for (int a = 0; a < r; a++) {
                src += pos[a] * permStrides[a];
            }
            from[i] = (int) src;
            Broadcast.increment(pos, dims);
        }
        return x.take(x.type(), dims, from);
    }

    Arr broadcastTo(Arr x, long[] dims) throws NotFoldable {
        return x.take(x.type(), dims, Broadcast.map(dims, x.dims(), cap.indices(dims)));
    }
}
