import type { MetadataRoute } from "next";
import { absoluteUrl } from "@/lib/site";
import { previewPath, SEARCH_PATH } from "@/lib/routes";

export default function robots(): MetadataRoute.Robots {
  return {
    // Search results and previews are for people, not for indexes.
    rules: { userAgent: "*", allow: "/", disallow: [SEARCH_PATH, previewPath("")] },
    sitemap: absoluteUrl("/sitemap.xml"),
  };
}
