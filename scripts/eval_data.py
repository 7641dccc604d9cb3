"""Evaluation data for rank selection, from real sources on this machine (seeded: the same
files every time): 150 + 32 single text lines (320x48, rendered with Debian's fonts from
Python's Zen and the licences in /usr/share/common-licenses, with their text in a .tsv),
18 photographs bundled in the scikit-image wheel, and 8 rendered document pages (640x640).
Usage: eval_data.py OUT_DIR"""
import codecs, json, os, random, re, string, sys
import numpy as np
from PIL import Image, ImageDraw, ImageFont

W, H = 320, 48
FONTS = {
    "DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSerif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "DejaVuSansMono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "LiberationSans-Regular": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "LiberationSans-Bold": "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "LiberationSerif-Regular": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "LiberationMono-Regular": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "NotoSans-Regular": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "NotoSerif-Regular": "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
    "FreeSans": "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "FreeSerif": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
}
PRINTABLE = set(string.printable) - set("\t\n\r\x0b\x0c")

def sources():
    import this  # noqa: prints the zen; we only want the text
    zen = codecs.decode(this.s, "rot13")
    texts = [zen]
    for name in ["Apache-2.0", "GPL-3", "BSD", "MPL-2.0", "Artistic", "LGPL-2.1", "CC0-1.0", "GFDL-1.3"]:
        texts.append(open("/usr/share/common-licenses/" + name, encoding="utf-8", errors="ignore").read())
    return texts

def phrases(texts, rng):
    out = []
    for t in texts:
        words = [w for w in re.split(r"\s+", t) if w and set(w) <= PRINTABLE and not re.fullmatch(r"[-=_*.]{2,}", w)]
        i = 0
        while i < len(words):
            n = rng.randint(2, 4)
            s = " ".join(words[i:i + n])
            i += n
            if 8 <= len(s) <= 20:
                out.append(s)
    return out

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

def numeric(rng):
    k = rng.randrange(10)
    y, m, d = rng.randint(1970, 2030), rng.randint(1, 12), rng.randint(1, 28)
    if k == 0: return f"{y}-{m:02d}-{d:02d}"
    if k == 1: return f"{d} {MONTHS[m-1]} {y}"
    if k == 2: return f"{MONTHS[m-1][:3]} {d}, {y}"
    if k == 3: return f"Price: ${rng.randint(1, 9999)}.{rng.randint(0, 99):02d}"
    if k == 4: return f"Total {rng.randint(1, 999):,}.{rng.randint(0, 99):02d} EUR"
    if k == 5: return f"Invoice #{rng.randint(10000, 999999)}"
    if k == 6: return f"Tel. {rng.randint(200, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    if k == 7: return f"{rng.randint(2, 99)} items @ ${rng.randint(1, 99)}.{rng.choice([0, 49, 95, 99]):02d}"
    if k == 8: return f"{d:02d}/{m:02d}/{y} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    return f"{rng.randint(1, 100)}% off, ${rng.randint(5, 500)}"

def render(text, rng, path):
    for _ in range(50):
        fname = rng.choice(list(FONTS))
        size = rng.randint(22, 34)
        margin = rng.randint(3, 8)
        while size >= 22:
            font = ImageFont.truetype(FONTS[fname], size)
            x0, y0, x1, y1 = font.getbbox(text)
            if x1 - x0 <= W - 2 * margin and y1 - y0 <= H - 4:
                break
            size -= 1
        else:
            continue
        bgv = rng.randint(238, 255)
        bg = tuple(min(255, bgv + rng.randint(-3, 3)) for _ in range(3))
        fgv = rng.randint(0, 50)
        fg = rng.choice([(fgv, fgv, fgv), (fgv, fgv, fgv), (fgv // 2, fgv // 2, fgv + 60), (fgv + 40, fgv // 3, fgv // 3)])
        img = Image.new("RGB", (W, H), bg)
        ImageDraw.Draw(img).text((margin - x0, (H - (y0 + y1)) / 2), text, font=font, fill=fg)
        img.save(path)
        return fname, size
    raise RuntimeError("cannot fit: " + text)

def textlines(OUT):
    rng = random.Random(1234)
    texts = sources()
    ph = phrases(texts, rng)
    rng.shuffle(ph)
    seen, pool = set(), []
    for p in ph:
        if p not in seen:
            seen.add(p); pool.append(p)
    nums = []
    while len(nums) < 80:
        s = numeric(rng)
        if 8 <= len(s) <= 20 and s not in seen:
            seen.add(s); nums.append(s)
    # eval: 100 phrases + 50 numeric/date/price = 150; cal: 22 phrases + 10 numeric = 32
    ev = pool[:100] + nums[:50]
    cal = pool[100:122] + nums[50:60]
    rng.shuffle(ev); rng.shuffle(cal)
    stats = {}
    for dirname, items in [("textlines", ev), ("textlines-cal", cal)]:
        os.makedirs(f"{OUT}/{dirname}", exist_ok=True)
        with open(f"{OUT}/{dirname}.tsv", "w") as f:
            for i, t in enumerate(items):
                assert set(t) <= PRINTABLE and 8 <= len(t) <= 20 and "\t" not in t
                fn = f"line{i:03d}.png"
                fname, size = render(t, rng, f"{OUT}/{dirname}/{fn}")
                stats[fname] = stats.get(fname, 0) + 1
                f.write(f"{fn}\t{t}\n")
    assert not set(ev) & set(cal)
    print(len(ev), len(cal), stats)


def photos(OUT):
    os.makedirs(f"{OUT}/photos", exist_ok=True)
    import skimage, skimage.data as d
    loaders = {
        "astronaut": d.astronaut, "coffee": d.coffee, "chelsea": d.chelsea, "rocket": d.rocket,
        "hubble_deep_field": d.hubble_deep_field, "immunohistochemistry": d.immunohistochemistry,
        "motorcycle_left": lambda: d.stereo_motorcycle()[0], "retina": d.retina,
        "camera": d.camera, "coins": d.coins, "page": d.page, "text": d.text, "moon": d.moon,
        "clock": d.clock, "cell": d.cell, "grass": d.grass, "gravel": d.gravel, "brick": d.brick,
    }
    with open(f"{OUT}/photos.tsv", "w") as f:
        f.write("filename\tsource\toriginal_shape\n")
        for name, fn in loaders.items():
            a = np.asarray(fn())
            if a.dtype != np.uint8:
                a = (np.clip(a, 0, 1) * 255).round().astype(np.uint8) if a.max() <= 1 else a.astype(np.uint8)
            im = Image.fromarray(a).convert("RGB")
            im.save(f"{OUT}/photos/{name}.png")
            f.write(f"{name}.png\tscikit-image {skimage.__version__} skimage.data.{name if name!='motorcycle_left' else 'stereo_motorcycle()[0]'} (bundled in wheel)\t{a.shape}\n")
            print(name, a.shape, a.dtype, im.size)


F = "/usr/share/fonts/truetype/"
BODY = [F+"dejavu/DejaVuSans.ttf", F+"liberation/LiberationSerif-Regular.ttf", F+"noto/NotoSans-Regular.ttf",
        F+"freefont/FreeSerif.ttf", F+"liberation/LiberationSans-Regular.ttf", F+"dejavu/DejaVuSerif.ttf"]
HEAD = [F+"liberation/LiberationSans-Bold.ttf", F+"dejavu/DejaVuSans-Bold.ttf", F+"noto/NotoSerif-Bold.ttf"]
LIC = ["Apache-2.0", "GPL-3", "BSD", "MPL-2.0", "Artistic", "LGPL-2.1", "CC0-1.0", "GFDL-1.3"]
DW = DH = 640

def paragraphs(name):
    t = open("/usr/share/common-licenses/" + name, encoding="utf-8", errors="ignore").read()
    ps = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", t)]
    return [p for p in ps if len(p) > 60 and p.isascii()]

def wrap(draw, text, font, width):
    lines, cur = [], ""
    for w in text.split():
        nxt = (cur + " " + w).strip()
        if draw.textlength(nxt, font=font) <= width: cur = nxt
        else:
            if cur: lines.append(cur)
            cur = w
    if cur: lines.append(cur)
    return lines

def docs(OUT):
    os.makedirs(f"{OUT}/docs", exist_ok=True)
    rng = random.Random(7)
    meta = []
    for i, lic in enumerate(LIC):
        img = Image.new("RGB", (DW, DH), "white"); dr = ImageDraw.Draw(img)
        m = rng.randint(24, 40); y = m; boxes = []
        ps = paragraphs(lic); start = rng.randrange(max(1, len(ps) - 8)); ps = ps[start:]
        body_font = rng.choice(BODY); pi = 0
        headings_left = 2 if i % 2 == 0 else 1
        while y < DH - m - 20 and pi < len(ps):
            if headings_left and (pi == 0 or rng.random() < 0.3):
                headings_left -= 1
                hs = rng.randint(22, 30); hf = ImageFont.truetype(rng.choice(HEAD), hs)
                col = rng.choice([(180, 20, 20), (20, 60, 170), (0, 120, 60), (0, 0, 0)]) if i % 4 else (0, 0, 0)
                if i % 4 and col == (0, 0, 0): col = (150, 40, 130)
                words = ps[pi].split()[:rng.randint(3, 6)]
                ht = " ".join(words).rstrip(".,;:")
                lines = wrap(dr, ht, hf, DW - 2*m)[:1]
                dr.text((m, y), lines[0], font=hf, fill=col); boxes.append([m, y, *dr.textbbox((m, y), lines[0], font=hf)[2:], lines[0]])
                y += int(hs * 1.5)
            size = rng.choice([11, 12, 13, 14, 16, 18, 20])
            font = ImageFont.truetype(body_font if rng.random() < 0.7 else rng.choice(BODY), size)
            for ln in wrap(dr, ps[pi], font, DW - 2*m):
                if y + size * 1.3 > DH - m: break
                dr.text((m, y), ln, font=font, fill=(0, 0, 0))
                bb = dr.textbbox((m, y), ln, font=font); boxes.append([*bb, ln])
                y += int(size * 1.35)
            y += int(size * 0.9); pi += 1
        fn = f"doc{i:02d}.png"; img.save(f"{OUT}/docs/{fn}")
        meta.append({"file": fn, "source": "/usr/share/common-licenses/" + lic, "lines": boxes})
    json.dump(meta, open(f"{OUT}/docs_lines.json", "w"), indent=1)
    print(len(meta), [len(x["lines"]) for x in meta])


if __name__ == "__main__":
    out = sys.argv[1]
    textlines(out)
    photos(out)
    docs(out)
