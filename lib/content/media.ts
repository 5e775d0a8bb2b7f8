import { createHash } from "node:crypto";
import path from "node:path";

// Images kept beside the articles in content/, served by app/media. Their URLs carry a version
// taken from their bytes (`/media/~3fa2c1d0e9b7/diagrams/flow.png`), so that an image replaced
// under the same name gets a new URL: Next's image optimizer and browsers keep a URL's answer for
// hours, and a versioned one may be kept for ever. The URL without a version (older pages, feed
// readers' copies) serves whatever the file holds now.

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

/** The first 12 hex digits of the bytes' SHA-256. */
export function mediaVersion(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 12);
}

/** A segment `~` and 12 hex digits: a version (a content folder of that name would be misread). */
const VERSION_SEGMENT = /^~([0-9a-f]{12})$/;

/** `/media/~<version>/diagrams/flow.png` for content/diagrams/flow.png holding `bytes`. */
export function mediaUrl(file: string, contentDir: string, bytes: Uint8Array): string {
  const segments = path.relative(contentDir, file).split(path.sep);
  return `${MEDIA_PREFIX}~${mediaVersion(bytes)}/${segments.map(encodeURIComponent).join("/")}`;
}

/**
 * What a media URL's segments ask for: the file, and the version the URL names (null for a URL
 * without one); null for anything outside contentDir or not an image.
 */
export function mediaRequest(segments: string[], contentDir: string): { file: string; version: string | null } | null {
  const version = VERSION_SEGMENT.exec(segments[0] ?? "")?.[1] ?? null;
  const file = mediaFile(version ? segments.slice(1) : segments, contentDir);
  return file ? { file, version } : null;
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
