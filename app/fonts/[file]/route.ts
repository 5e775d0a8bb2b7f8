import { fontFile } from "@/lib/server/fonts";

// The web fonts and their @font-face rules (lib/server/fonts.ts): each address carries a hash of
// its bytes, so browsers keep a file for a year. Outside proxy.ts, like Next.js's own static files:
// a font runs nothing.
type Context = { params: Promise<{ file: string }> };

export async function GET(_request: Request, { params }: Context): Promise<Response> {
  const file = fontFile((await params).file);
  if (!file)
    return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "content-type": file.type,
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    },
  });
}
