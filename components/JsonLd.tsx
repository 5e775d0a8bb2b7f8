import { jsonLdScript } from "@/lib/content/seo";

/** Structured data for search engines: a data block, never run as script. */
export function JsonLd({ data }: { data: object }) {
  return <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdScript(data) }} />;
}
