import { readFile } from "node:fs/promises";
import path from "node:path";
import { CONTENT_DIR } from "@/lib/content/articles";
import { IMAGE_TYPES, mediaRequest, mediaVersion } from "@/lib/content/media";

type Context = { params: Promise<{ path: string[] }> };

// Images kept beside the articles in content/, read from the folder at each request (not copied
// into the build): an image added or replaced while the site runs is served at once. A versioned
// URL (lib/content/media.ts) names one content of the file and may be kept for ever; one whose
// version the file no longer has is gone (404), so that made-up versions fill no cache.

export const dynamic = "force-dynamic";

const IMMUTABLE = "public, max-age=31536000, immutable";
const CURRENT = "public, max-age=0, must-revalidate";

export async function GET(_request: Request, { params }: Context) {
  const asked = mediaRequest((await params).path, CONTENT_DIR);
  const bytes = asked && (await readFile(asked.file).catch(() => null));
  if (!asked || !bytes || (asked.version && mediaVersion(bytes) !== asked.version))
    return new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": IMAGE_TYPES[path.extname(asked.file).toLowerCase()],
      "Cache-Control": asked.version ? IMMUTABLE : CURRENT,
      "X-Content-Type-Options": "nosniff",
      // An SVG opened on its own must not run script on this origin.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
