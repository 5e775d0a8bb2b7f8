import { favicon } from "@/lib/content/site-icon";

// What tools ask for without reading a page (lib/content/site-icon.ts). Read at each request, so a
// new icon in content/ shows at once; kept an hour by browsers, which ask for it on every page.
export const dynamic = "force-dynamic";

export function GET(): Response {
  const { bytes, type } = favicon();
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": type,
      "Cache-Control": "public, max-age=3600",
      "X-Content-Type-Options": "nosniff",
      // The author's SVG, when it stands in, must not run script on this origin.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
