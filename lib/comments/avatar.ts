import { createHash } from "node:crypto";
import { minidenticon } from "minidenticons";
import { site } from "../site";

// Avatars made on the server, no third party asked: an identicon from the name and the posting
// browser, so two people who pick the same name still look different, and one person looks the
// same across their comments. The browser id is hashed first: the picture must not carry it.

const AUTHOR_SEED = `author:${site.author.name}`;

/** The avatar of a comment as an <img> source (the CSP allows data: images). */
export function avatarDataUri(name: string, browserId: string | null, byAuthor = false): string {
  const seed = byAuthor
    ? AUTHOR_SEED
    : `${name}\u0000${createHash("sha256")
        .update(browserId ?? "")
        .digest("base64url")
        .slice(0, 12)}`;
  return `data:image/svg+xml;utf8,${encodeURIComponent(minidenticon(seed, 60, 45))}`;
}
