// Draws a social card whose words next/og cannot lay out (Arabic, Urdu, Hebrew: joined letters,
// right to left) with sharp's text, which is Pango with HarfBuzz and FriBidi: for
// lib/server/card-shaped.ts, which runs this as a child process so that the server never loads
// sharp and libvips. Reads the card as JSON on stdin (see CardJob there), writes the PNG on stdout.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

const job = JSON.parse(fs.readFileSync(0, "utf8"));
const { width, height, padding, border, colors, sizes, direction } = job.style;

/**
 * The TrueType file of a font, which is what fontconfig is handed here: a package's WOFF2 is
 * decoded once (wawoff2, Google's decoder) into the cache folder, named by its file and a hash of
 * its path, size and date (lib/server/card-shaped.ts), so a new version of the package is decoded anew.
 */
async function trueType(font) {
  if (!font.file.endsWith(".woff2")) return font.file;
  const out = path.join(job.cacheDir, `${font.key}.ttf`);
  if (!fs.existsSync(out)) {
    const { decompress } = await import("wawoff2");
    const bytes = Buffer.from(await decompress(fs.readFileSync(font.file)));
    fs.mkdirSync(job.cacheDir, { recursive: true });
    // Written whole, then renamed: two cards drawn at once never read half a file.
    const partial = `${out}.${process.pid}`;
    fs.writeFileSync(partial, bytes);
    fs.renameSync(partial, out);
  }
  return out;
}

// libvips hands each `fontfile` to fontconfig once per process, and Pango then picks from all of
// them by the families named: a tiny drawing per file makes every one known before the card.
for (const font of job.fonts)
  await sharp({ text: { text: ".", font: "sans 8", fontfile: await trueType(font) } })
    .raw()
    .toBuffer();

const escape = (text) => text.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0)};`);
// Pango takes a paragraph's direction from its first letter, and aligns it to that direction's
// start ("left" is the start): a mark of the block's direction first sets it, as dir= does on the
// page, so a right-to-left card's title that begins with a Latin word still starts at the right.
const MARKS = { rtl: "\u200f", ltr: "\u200e" };
const inner = width - 2 * padding.x;

/**
 * One block of text as an RGBA image as wide as its longest line (wrapped at `inner`), at `size`;
 * smaller if it would be taller than `most` (libvips then picks the largest size that fits).
 */
async function block(text, size, color, bold, most, dir = direction) {
  const font = `${job.families.join(", ")}${bold ? " Bold" : ""} ${size}`;
  const markup = `<span foreground="${color}">${escape(MARKS[dir] + text)}</span>`;
  const options = {
    text: markup,
    font,
    width: inner,
    rgba: true,
    wrap: "word-char",
    align: "left",
  };
  // dpi 72: a point is a pixel.
  let drawn = await sharp({ text: { ...options, dpi: 72 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  if (drawn.info.height > most)
    drawn = await sharp({ text: { ...options, height: most } })
      .png()
      .toBuffer({ resolveWithObject: true });
  if (drawn.info.width <= inner && drawn.info.height <= most) return { ...drawn, dir };
  // What cannot fit even so is cut at the box, its start kept (the right end, right to left).
  const box = { width: Math.min(inner, drawn.info.width), height: Math.min(most, drawn.info.height) };
  const left = dir === "rtl" ? drawn.info.width - box.width : 0;
  return {
    data: await sharp(drawn.data)
      .extract({ left, top: 0, ...box })
      .png()
      .toBuffer(),
    info: box,
    dir,
  };
}

const top = border + padding.y;
const bottom = height - padding.y;
// The site's name and the meta line take up to three lines of their size; the title the rest.
const name = await block(job.name, sizes.name, colors.accent, false, 3 * sizes.name);
const meta = await block(job.meta, sizes.meta, colors.muted, false, 3 * sizes.meta);
const room = bottom - meta.info.height - (top + name.info.height) - 2 * padding.gap;
const title = await block(
  job.title,
  job.long ? sizes.longTitle : sizes.title,
  colors.text,
  true,
  room,
  job.titleDirection,
);

const x = (image) => (image.dir === "rtl" ? width - padding.x - image.info.width : padding.x);
const free = bottom - meta.info.height - (top + name.info.height) - title.info.height;
const background = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colors.background}"/><rect width="100%" height="${border}" fill="${colors.accent}"/></svg>`;
const png = await sharp(Buffer.from(background))
  .composite([
    { input: name.data, left: x(name), top },
    { input: title.data, left: x(title), top: top + name.info.height + Math.max(0, Math.round(free / 2)) },
    { input: meta.data, left: x(meta), top: bottom - meta.info.height },
  ])
  .png()
  .toBuffer();
process.stdout.write(png);
