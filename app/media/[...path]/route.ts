import fs from "node:fs";
import path from "node:path";
import { CONTENT_DIR } from "@/lib/content/articles";
import { IMAGE_TYPES, isImageFile, mediaFile } from "@/lib/content/media";

type Context = { params: Promise<{ path: string[] }> };

// Images kept beside the articles in content/, copied into the build like the pages using them.
export const dynamic = "force-static";
export const dynamicParams = false;

export function generateStaticParams() {
  const files = fs.readdirSync(CONTENT_DIR, { recursive: true, encoding: "utf8" }).filter(isImageFile);
  return files.map((file) => ({ path: file.split(path.sep) }));
}

export async function GET(_request: Request, { params }: Context) {
  const file = mediaFile((await params).path, CONTENT_DIR);
  if (!file || !fs.existsSync(file)) return new Response("Not found", { status: 404 });
  return new Response(fs.readFileSync(file), {
    headers: {
      "Content-Type": IMAGE_TYPES[path.extname(file).toLowerCase()],
      "X-Content-Type-Options": "nosniff",
      // An SVG opened on its own must not run script on this origin.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
