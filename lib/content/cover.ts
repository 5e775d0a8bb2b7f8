import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { imageSize } from "image-size";
import { CONTENT_DIR, perContentVersion } from "./content-store";
import { isImageFile, isInside, mediaUrl } from "./media";

const run = promisify(execFile);

export type Cover = { file: string; src: string; width: number; height: number };

/**
 * The file behind an article's `image:` front matter: relative to the article in content/, or a
 * path in public/ starting with /. A string says what is wrong with it.
 */
export function resolveCover(
  image: string,
  articleFile: string,
  contentDir: string,
  publicDir = path.join(/*turbopackIgnore: true*/ process.cwd(), "public"),
): Cover | string {
  if (/^[a-z][a-z\d+.-]*:|^\/\//i.test(image))
    return "must be a file in content/ or public/, so its size is known when the site is built";
  if (!isImageFile(image)) return "must be a .png, .jpg, .gif, .webp, .avif or .svg file";
  const file = image.startsWith("/")
    ? path.join(/*turbopackIgnore: true*/ publicDir, image)
    : path.resolve(/*turbopackIgnore: true*/ path.dirname(articleFile), image);
  const root = image.startsWith("/") ? publicDir : contentDir;
  if (!isInside(file, root) || !fs.existsSync(file))
    return `not found (looked for ${path.relative(process.cwd(), file)})`;
  try {
    const bytes = fs.readFileSync(file);
    const { width, height } = imageSize(bytes);
    return { file, src: image.startsWith("/") ? image : mediaUrl(file, contentDir, bytes), width, height };
  } catch (error) {
    return `cannot read its size (${(error as Error).message})`;
  }
}

/** An article's cover as its pages show it, read once per version of content/. */
export function articleCover(article: { slug: string; image: string }): Cover | string {
  return perContentVersion(`cover\0${article.slug}\0${article.image}`, () =>
    resolveCover(article.image, path.join(CONTENT_DIR, `${article.slug}.md`), CONTENT_DIR),
  );
}

const blurs = new Map<string, Promise<string | undefined>>();
/** Covers replaced while the site runs leave their old blurs behind: past this many, the oldest go. */
const MAX_BLURS = 500;
/** Drawn once per image's bytes and kept beside Next's build cache, so a restart draws none again. */
const BLUR_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), ".next", "cache", "cover-blur");
const SCRIPT = path.join(/*turbopackIgnore: true*/ process.cwd(), "scripts", "cover-blur.mjs");

/**
 * A 12-pixel-wide blurred copy as a data URL, shown while the cover loads; once per version of
 * the file (its `src` names the version) and process, read from disk when drawn before.
 */
export function coverBlur(cover: Pick<Cover, "file" | "src">): Promise<string | undefined> {
  let blur = blurs.get(cover.src);
  if (!blur) {
    blur = drawnBlur(cover.file).catch(() => undefined);
    blurs.set(cover.src, blur);
    if (blurs.size > MAX_BLURS) blurs.delete(blurs.keys().next().value!);
  }
  return blur;
}

/** sharp runs in a child process (scripts/cover-blur.mjs): loaded here, it stayed resident for good. */
async function drawnBlur(file: string): Promise<string> {
  const kept = path.join(
    BLUR_DIR,
    `${createHash("sha256")
      .update(await fs.promises.readFile(file))
      .digest("hex")}.txt`,
  );
  const before = await fs.promises.readFile(kept, "utf8").catch(() => null);
  if (before) return before;
  const { stdout } = await run(process.execPath, [SCRIPT, file], { timeout: 30_000 });
  if (!stdout.startsWith("data:image/webp;base64,")) throw new Error(`no blur drawn for ${file}`);
  await fs.promises.mkdir(BLUR_DIR, { recursive: true });
  await fs.promises.writeFile(kept, stdout).catch(() => {});
  return stdout;
}
