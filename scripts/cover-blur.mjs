// Draws a cover image's blurred placeholder (12 pixels wide, WebP) with sharp, for
// lib/content/cover.ts, which runs this as a child process so that the server never loads sharp and
// libvips (their code and threads stay resident once loaded): `node scripts/cover-blur.mjs <image>`
// writes the data URL on stdout.
import sharp from "sharp";

const data = await sharp(process.argv[2]).resize(12).webp({ quality: 40 }).toBuffer();
process.stdout.write(`data:image/webp;base64,${data.toString("base64")}`);
