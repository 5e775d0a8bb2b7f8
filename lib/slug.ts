/**
 * "Ünïcode & Next.js 16!" → "unicode-next-js-16": URL-safe slugs for file names and tags. Accents
 * are folded to their base letter; anything else that is not a letter or digit becomes a dash.
 */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
