import { katexFile } from "@/lib/server/katex";

// KaTeX's stylesheet and fonts for pages with math (lib/server/katex.ts): the address carries the
// package's version, so browsers keep them for a year. Outside proxy.ts, like Next.js's static files.
type Context = { params: Promise<{ path: string[] }> };

export async function GET(_request: Request, { params }: Context): Promise<Response> {
  const file = katexFile((await params).path);
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
