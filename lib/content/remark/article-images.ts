import fs from "node:fs";
import path from "node:path";
import { imageSize } from "image-size";
import type { Image, Root } from "mdast";
import { getImageProps } from "next/image";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { absoluteUrl } from "../../site";
import { isImageFile, isInside, mediaUrl } from "../media";

export type ArticleImageOptions = {
  contentDir: string;
  publicDir: string;
  /**
   * Set for feeds, which are read away from the site: images are the original files at absolute
   * URLs rather than Next's optimizer.
   */
  absoluteBase?: string;
};

// The article column is at most 70ch (about 700px at the body size); narrower screens fill it.
const SIZES = "(max-width: 760px) 100vw, 700px";

declare module "vfile" {
  interface DataMap {
    /** The files the render looked at (found or not): a kept render is good while they are as they were. */
    reads: string[];
  }
}

/** Notes a file the render depends on. */
export function readFrom(file: VFile, read: string): void {
  (file.data.reads ??= []).push(read);
}

/**
 * Resolves each markdown image to a file in content/ (relative to the article) or public/ (a path
 * starting with /), reads its width and height when the article is read, and renders it with the props
 * next/image would give it (srcset through Next's image optimizer, lazy loading), so the page
 * keeps its layout while images load. Anything it cannot resolve becomes a message on the file.
 */
export function remarkArticleImages(options: ArticleImageOptions) {
  return (tree: Root, file: VFile) => {
    visit(tree, "image", (image: Image) => {
      const located = locate(image.url, file, options);
      if (typeof located === "string") {
        file.message(`image "${image.url}": ${located}`, { place: image.position, ruleId: "image" });
        return;
      }
      if (!image.alt?.trim()) {
        file.message(`image "${image.url}": needs alt text that describes it: ![description](${image.url})`, {
          place: image.position,
          ruleId: "image",
        });
        return;
      }
      let size: { width: number; height: number };
      let url: string;
      try {
        const bytes = fs.readFileSync(located.file);
        size = imageSize(bytes);
        url = located.url ?? mediaUrl(located.file, options.contentDir, bytes);
      } catch (error) {
        file.message(`image "${image.url}": cannot read its size (${(error as Error).message})`, {
          place: image.position,
          ruleId: "image",
        });
        return;
      }
      const { width, height } = size;
      if (options.absoluteBase) {
        image.url = absoluteUrl(url);
        image.data = { ...image.data, hProperties: { width, height } };
        return;
      }
      const { props } = getImageProps({
        src: url,
        alt: image.alt,
        width,
        height,
        sizes: SIZES,
        // The optimizer does not rasterise SVG; it is served as it is.
        unoptimized: path.extname(located.file).toLowerCase() === ".svg",
      });
      image.data = {
        ...image.data,
        hProperties: {
          src: props.src,
          srcSet: props.srcSet,
          sizes: props.sizes,
          width,
          height,
          loading: props.loading,
          decoding: props.decoding,
        },
      };
    });
  };
}

/** The image's file, and its URL when it is in public/ (one in content/ gets its versioned URL once read). */
function locate(url: string, file: VFile, options: ArticleImageOptions): { file: string; url: string | null } | string {
  if (/^[a-z][a-z\d+.-]*:|^\/\//i.test(url)) {
    return "must be a file in content/ or public/, so its size is known when the site is built";
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.replace(/[?#].*$/, ""));
  } catch {
    return "is not a valid path";
  }
  if (!isImageFile(pathname)) return "must be a .png, .jpg, .gif, .webp, .avif or .svg file";
  if (pathname.startsWith("/")) {
    const inPublic = path.join(options.publicDir, pathname);
    readFrom(file, inPublic);
    if (!isInside(inPublic, options.publicDir) || !fs.existsSync(inPublic)) return `not found in public/`;
    return { file: inPublic, url: pathname };
  }
  const articleDir = file.path ? path.dirname(file.path) : options.contentDir;
  const inContent = path.resolve(articleDir, pathname);
  if (!isInside(inContent, options.contentDir)) return "must be inside the content folder";
  readFrom(file, inContent);
  if (!fs.existsSync(inContent)) return `not found (looked for ${path.relative(process.cwd(), inContent)})`;
  return { file: inContent, url: null };
}
