import fs from "node:fs";
import path from "node:path";
import { CONTENT_DIR, perContentVersion } from "./content-store";
import { resolveCover } from "./cover";
import { IMAGE_TYPES, mediaUrl } from "./media";

// The site's icon, which browsers show in the tab. An author makes it theirs with `icon.svg` or
// `icon.png` in content/, read while the site runs like the articles and the logo (a change there
// empties the page cache: content-store.ts counts it among the folder's assets); without one, it
// is Marginalia's mark in public/icons/ (SVG, with a 512 px PNG and an ICO of it). `/favicon.ico`, which feed readers and other tools ask
// for without reading a page, answers content/favicon.ico, else the author's PNG wrapped as an
// ICO, else their SVG, else the mark's ICO.

/** The files an author may put in content/, in the order they are looked for. */
export const ICON_FILES = ["icon.svg", "icon.png", "favicon.ico"] as const;
const LOGO_FILES = ["logo.svg", "logo.png", "logo.webp"];
const DEFAULT_ICON = { url: "/icons/marginalia.svg", type: "image/svg+xml" };
const DEFAULT_FAVICON = path.join(/*turbopackIgnore: true*/ process.cwd(), "public", "icons", "marginalia.ico");
const ICO_TYPE = "image/x-icon";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Read = { file: string; bytes: Buffer };
/** Each file's bytes, read again only when its size, time or inode changes (pages link the icon on every render). */
const reads = new Map<string, { signature: string; read: Read | undefined }>();

function read(file: string): Read | undefined {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) return undefined;
  const signature = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  const known = reads.get(file);
  if (known?.signature === signature) return known.read;
  let bytes: Buffer | undefined;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    // Gone between the stat and the read: as if it were not there.
  }
  const result = bytes && { file, bytes };
  reads.set(file, { signature, read: result });
  return result;
}

/** The author's icon.svg, else their icon.png if it is one. */
function customIcon(dir: string): (Read & { type: string }) | undefined {
  const svg = read(path.join(dir, "icon.svg"));
  if (svg) return { ...svg, type: IMAGE_TYPES[".svg"] };
  const png = read(path.join(dir, "icon.png"));
  // The signature and the IHDR chunk with its width and height: a PNG that can be wrapped.
  if (png && png.bytes.length >= 24 && png.bytes.subarray(0, 8).equals(PNG_SIGNATURE))
    return { ...png, type: IMAGE_TYPES[".png"] };
  return undefined;
}

/** The icon every page links: a versioned /media/ address for the author's, so a new one shows at once. */
export function siteIcon(dir: string = CONTENT_DIR): { url: string; type: string; custom: boolean } {
  return perContentVersion(
    "icon",
    () => {
      const icon = customIcon(dir);
      if (!icon) return { ...DEFAULT_ICON, custom: false };
      return { url: mediaUrl(icon.file, dir, icon.bytes), type: icon.type, custom: true };
    },
    dir,
  );
}

/** The header's mark: the author's logo.svg, logo.png or logo.webp, else their icon; null for Marginalia's own. */
export function siteLogo(dir: string = CONTENT_DIR): string | null {
  return perContentVersion(
    "logo",
    () => {
      for (const name of LOGO_FILES) {
        const logo = resolveCover(name, path.join(dir, "authors.yml"), dir);
        if (typeof logo !== "string") return logo.src;
      }
      const icon = siteIcon(dir);
      return icon.custom ? icon.url : null;
    },
    dir,
  );
}

/**
 * The icon as a picture other sites can show, such as the fediverse account's avatar: servers
 * like Mastodon take no SVG, so the author's icon.png, else the mark's PNG.
 */
export function siteAvatar(dir: string = CONTENT_DIR): { url: string; type: string } {
  const icon = customIcon(dir);
  if (icon?.type === IMAGE_TYPES[".png"]) return { url: mediaUrl(icon.file, dir, icon.bytes), type: icon.type };
  return { url: "/icons/marginalia.png", type: IMAGE_TYPES[".png"] };
}

/** What /favicon.ico answers (see the top of this file). */
export function favicon(dir: string = CONTENT_DIR): { bytes: Buffer; type: string } {
  const ico = read(path.join(dir, "favicon.ico"));
  if (ico) return { bytes: ico.bytes, type: ICO_TYPE };
  const icon = customIcon(dir);
  if (icon?.type === IMAGE_TYPES[".png"]) return { bytes: pngIco(icon.bytes), type: ICO_TYPE };
  if (icon) return { bytes: icon.bytes, type: icon.type };
  return { bytes: read(DEFAULT_FAVICON)?.bytes ?? Buffer.alloc(0), type: ICO_TYPE };
}

/**
 * An ICO file holding one PNG image, as ICO has allowed since Windows Vista and every browser
 * reads: a 6-byte header, one 16-byte entry (a side of 256 or more is written 0), then the PNG.
 */
export function pngIco(png: Buffer): Buffer {
  const side = (offset: number) => {
    const pixels = png.readUInt32BE(offset);
    return pixels >= 256 ? 0 : pixels;
  };
  const header = Buffer.alloc(22);
  header.writeUInt16LE(1, 2); // an icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(side(16), 6); // width, from the PNG's IHDR
  header.writeUInt8(side(20), 7); // height
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14);
  header.writeUInt32LE(header.length, 18); // where the image starts
  return Buffer.concat([header, png]);
}
