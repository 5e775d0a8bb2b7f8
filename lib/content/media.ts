import path from "node:path";

/** Image files an article may show; the media route serves these types and no others. */
export const IMAGE_TYPES: Record<string, string> = {
  ".avif": "image/avif",
  ".gif": "image/gif",
  ".jpeg": "image/jpeg",
  ".jpg": "image/jpeg",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".webp": "image/webp",
};

/** Images kept next to the articles in content/ are served under this path. */
export const MEDIA_PREFIX = "/media/";

export function isImageFile(file: string): boolean {
  return Object.hasOwn(IMAGE_TYPES, path.extname(file).toLowerCase());
}

/** `/media/diagrams/flow.png` for content/diagrams/flow.png. */
export function mediaUrl(file: string, contentDir: string): string {
  const segments = path.relative(contentDir, file).split(path.sep);
  return MEDIA_PREFIX + segments.map(encodeURIComponent).join("/");
}

/** The file a media URL's segments name, or null for anything outside contentDir or not an image. */
export function mediaFile(segments: string[], contentDir: string): string | null {
  const file = path.resolve(contentDir, ...segments);
  if (!isInside(file, contentDir) || !isImageFile(file)) return null;
  return file;
}

export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}
