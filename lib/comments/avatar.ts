import { createHash } from "node:crypto";
import { site } from "../site";

// Avatars drawn by the page itself, no third party asked and no picture fetched: the commenter's
// initials on a colour (as Ghost does), in the site's own type, so they read in both themes
// (app/comments.css holds the palette: each tone's initials pass WCAG AA on it, light and dark).
// The tone comes from a hash of the name and the posting browser, so two people who pick the same
// name likely differ, and one person looks the same across their comments; the author has one.

/** How many tones app/comments.css defines (.avatar.t0 … .t7). */
export const AVATAR_TONES = 8;

const AUTHOR_SEED = `author:${site.author.name}`;

const hash = (text: string) => createHash("sha256").update(text).digest();

/** What a comment's avatar shows: up to two initials, on one of AVATAR_TONES colours. */
export type Avatar = { initials: string; tone: number };

/** The tone of a commenter: the same for the same name and browser, one for the author. */
export function avatarTone(name: string, browserId: string | null, byAuthor = false): number {
  const seed = byAuthor
    ? AUTHOR_SEED
    : `${name}\u0000${hash(browserId ?? "")
        .toString("base64url")
        .slice(0, 12)}`;
  return hash(seed)[0] % AVATAR_TONES;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
/** The first whole character: an ASCII one followed by another (but CR LF) is one alone, without the segmenter's cost. */
function firstGrapheme(text: string): string {
  const next = text.charCodeAt(1);
  if (text.charCodeAt(0) < 0x80 && (text.length === 1 || (next < 0x80 && !(text[0] === "\r" && next === 10))))
    return text[0];
  return graphemes.segment(text)[Symbol.iterator]().next().value?.segment ?? "";
}

/**
 * "Ana Lima" → "AL", "zoë" → "Z", "@bob" → "B": the first letter (or digit) of the first and last
 * words, whole characters (an accent or an emoji is not cut in two); "?" for a name without one.
 */
export function initialsOf(name: string): string {
  const words = name
    .split(/\s+/u)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+/u, ""))
    .filter(Boolean);
  if (!words.length) return firstGrapheme(name.trim()) || "?";
  const first = firstGrapheme(words[0]);
  const last = words.length > 1 ? firstGrapheme(words[words.length - 1]) : "";
  return (first + last).toLocaleUpperCase();
}

// Every render of a page draws each of its commenters' avatars: two SHA-256 and a grapheme
// segmentation, 3.5 ms for 200 comments. The same few names and browsers come back on every page,
// so each is drawn once; past AVATARS_KEPT the oldest go first.
const AVATARS_KEPT = 5_000;
const drawn = new Map<string, Avatar>();

export function avatarOf(name: string, browserId: string | null, byAuthor = false): Avatar {
  const key = `${byAuthor ? "1" : "0"}${browserId ?? ""}\u0000${name}`;
  let avatar = drawn.get(key);
  if (!avatar) {
    avatar = Object.freeze({ initials: initialsOf(name), tone: avatarTone(name, browserId, byAuthor) });
    if (drawn.size >= AVATARS_KEPT) drawn.delete(drawn.keys().next().value!);
    drawn.set(key, avatar);
  }
  return avatar;
}
