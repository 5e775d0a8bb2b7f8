import type { Metadata } from "next";
import { ATOM_PATH, RSS_PATH } from "./feeds";
import { absoluteUrl, site } from "./site";

/**
 * A page's canonical URL plus the feed links. Next replaces `alternates` as a whole in each page
 * that sets it, so every page with a canonical URL must list the feeds again.
 */
export function alternatesFor(
  pathname: string,
  moreAtomFeeds: { url: string; title: string }[] = [],
): NonNullable<Metadata["alternates"]> {
  return {
    canonical: absoluteUrl(pathname),
    types: {
      "application/rss+xml": [{ url: RSS_PATH, title: `${site.name} (RSS)` }],
      "application/atom+xml": [{ url: ATOM_PATH, title: `${site.name} (Atom)` }, ...moreAtomFeeds],
    },
  };
}
