import type { MetadataRoute } from "next";
import { absoluteUrl } from "@/lib/site";

export default function robots(): MetadataRoute.Robots {
  return {
    // Search results and previews are for people, not for indexes.
    rules: { userAgent: "*", allow: "/", disallow: ["/search", "/preview/"] },
    sitemap: absoluteUrl("/sitemap.xml"),
  };
}
