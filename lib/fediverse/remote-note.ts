import { z } from "zod";
import type { Actor, Note } from "@fedify/fedify/vocab";
import { htmlToMarkdown } from "../comments/import/html-to-markdown";

// A fediverse Note read into what a comment keeps, and nothing else: everything in it is the
// remote server's word, so each field is bounded and checked here (zod) before the comment service
// judges it as it judges any comment. Its HTML is turned into markdown by the importers' bounded
// converter (lib/comments/import/html-to-markdown.ts), and the markdown is rendered and sanitized
// like every comment's: no remote markup reaches a page.

/** The most HTML read from a Note: far above any server's post limit (Mastodon's is 500 characters). */
export const NOTE_HTML_MAX = 50_000;
const URL_MAX = 2_048;

const httpUrl = z.url({ protocol: /^https?$/ }).max(URL_MAX);

export const remoteReplySchema = z.object({
  noteId: httpUrl,
  inReplyTo: httpUrl,
  /** Where a person reads the original (Mastodon's status page). */
  url: httpUrl.nullable(),
  html: z.string().max(NOTE_HTML_MAX),
  /** A content warning (Mastodon's "summary"). */
  summary: z.string().max(500).nullable(),
  actor: z.object({
    id: httpUrl,
    name: z.string().max(500),
    username: z.string().min(1).max(200),
    avatar: httpUrl.nullable(),
  }),
});
export type RemoteReply = z.infer<typeof remoteReplySchema>;

const text = (value: unknown) => (value == null ? null : String(value));
const href = (value: URL | { href?: URL | null } | null | undefined) =>
  value instanceof URL ? value.href : (value?.href?.href ?? null);

/** The fields of a Note and its author, as given; null when they do not make a reply we can keep. */
export async function readNote(
  note: Note,
  actor: Actor,
  options: { documentLoader?: unknown } = {},
): Promise<RemoteReply | null> {
  const icon = await actor.getIcon(options as Parameters<Actor["getIcon"]>[0]).catch(() => null);
  const parsed = remoteReplySchema.safeParse({
    noteId: note.id?.href,
    inReplyTo: note.replyTargetId?.href,
    url: href(note.url as URL | { href?: URL | null } | null),
    html: text(note.content) ?? "",
    summary: text(note.summary) || null,
    actor: {
      id: actor.id?.href,
      name: (text(actor.name) ?? "").trim(),
      username: text(actor.preferredUsername),
      avatar: href(icon?.url as URL | { href?: URL | null } | null),
    },
  });
  return parsed.success ? parsed.data : null;
}

/** "@name@instance", as Mastodon shows a handle. */
export const handleOf = (reply: Pick<RemoteReply, "actor">) =>
  `@${reply.actor.username}@${new URL(reply.actor.id).host}`;

/** The name a comment shows: the display name, else the user name. */
export const displayName = (reply: Pick<RemoteReply, "actor">, max: number) =>
  Array.from(reply.actor.name || reply.actor.username)
    .slice(0, max)
    .join("")
    .trim();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The Note's text as comment markdown: its content warning first, in bold; the mention of the
 * site's own actor that opens a reply (`@blog`) dropped, since the comment stands under the
 * article already.
 */
export function noteMarkdown(reply: Pick<RemoteReply, "html" | "summary">, ownActorUrls: readonly string[]): string {
  let markdown = htmlToMarkdown(reply.html);
  for (const own of ownActorUrls) {
    markdown = markdown.replace(new RegExp(`\\[@[^\\]\\n]{1,200}\\]\\(<?${escapeRegExp(own)}>?\\)\\s*`, "g"), "");
  }
  markdown = markdown.trim();
  const warning = reply.summary?.trim();
  return warning ? `**CW: ${warning.replace(/[*_\\[\]`]/g, "\\$&")}**\n\n${markdown}` : markdown;
}
