import { avatarSvg } from "@/lib/comments/avatar";

// A commenter's avatar: the same bytes for a key forever, so browsers keep it for a year. Outside
// proxy.ts: the picture brings its own policy, which lets nothing in it run or load.
type Context = { params: Promise<{ file: string }> };

export async function GET(_request: Request, { params }: Context): Promise<Response> {
  const { file } = await params;
  const svg = file.endsWith(".svg") ? avatarSvg(file.slice(0, -4)) : null;
  if (!svg)
    return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(svg, {
    headers: {
      "content-type": "image/svg+xml",
      "cache-control": "public, max-age=31536000, immutable",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      "x-content-type-options": "nosniff",
    },
  });
}
