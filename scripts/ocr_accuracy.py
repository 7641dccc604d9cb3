"""Character accuracy of text recognisers (PP-OCR style: [1, T, classes] scores, blank 0, the
dictionary's characters, then a space) against the text a folder of lines was rendered with,
and how often two models decode a line the same. Runs in the Python environment
scripts/make-eval-data makes ($YARD_CACHE/eval-venv: ONNX Runtime and pillow).
Usage: ocr_accuracy.py DICT LINES.tsv LINES_DIR MODEL.onnx [OTHER.onnx]"""
import sys
import numpy as np
import onnxruntime as ort
from PIL import Image


def decode(scores, chars):
    out, prev = [], -1
    for c in scores.argmax(-1):
        if c != prev and c != 0:
            out.append(chars[c])
        prev = c
    return "".join(out)


def distance(a, b):
    d = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, cb in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (ca != cb))
    return d[-1]


def main(dictionary, tsv, folder, *models):
    chars = ["<blank>"] + [l.rstrip("\n") for l in open(dictionary, encoding="utf-8")] + [" "]
    rows = [l.rstrip("\n").split("\t") for l in open(tsv, encoding="utf-8")]
    decoded = []
    for m in models:
        o = ort.SessionOptions()
        o.intra_op_num_threads = 2
        s = ort.InferenceSession(m, o, providers=["CPUExecutionProvider"])
        name = s.get_inputs()[0].name
        texts = []
        for f, _ in rows:
            img = np.asarray(Image.open(f"{folder}/{f}").convert("RGB"), dtype=np.float32)
            texts.append(decode(s.run(None, {name: ((img - 127.5) / 127.5).transpose(2, 0, 1)[None]})[0][0], chars))
        decoded.append(texts)
        exact = sum(a == t for a, (_, t) in zip(texts, rows)) / len(rows)
        errors = sum(distance(a, t) for a, (_, t) in zip(texts, rows)) / sum(len(t) for _, t in rows)
        print(f"{m}: lines exactly right {exact:.3f}, character accuracy {1 - errors:.4f}")
    if len(decoded) == 2:
        same = sum(a == b for a, b in zip(*decoded)) / len(rows)
        print(f"greedy CTC decoding unchanged on {same:.3f} of {len(rows)} lines")


if __name__ == "__main__":
    main(*sys.argv[1:])
