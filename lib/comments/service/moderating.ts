import "server-only";
import { z } from "zod";
import { moderateComment } from "../store";
import type { WebhookEvent } from "../../mail/notifications";
import { forgetPages } from "../../server/page-cache";
import { db as defaultDb, type Db } from "../../server/db";
import {
  banTarget,
  deleteBlock,
  MAX_BLOCKS,
  countBlocks,
  saveBlock,
  setPinned,
  setThreadLocked,
  shadowAuthorComments,
} from "../moderation";
import {
  actionsFor,
  type BAN_KINDS,
  BLOCK_ACTIONS,
  BLOCK_KINDS,
  normalizeBlock,
  type BlockAction,
  type BlockRule,
} from "../blocklist";
import { changeComment, logged } from "./shared";
import { t } from "../../i18n";

// The author's writes (the caller has checked who asks): a decision on one comment or on a page
// of them, bans and blocklist entries, locking a discussion. The rows they write are
// lib/comments/moderation.ts's; this file holds their rules.

/** What the author can do to any comment: from /admin, the article page, or a mail's one-time link. */
export type Moderation = "approve" | "hide" | "unhide" | "delete" | "pin" | "unpin";
export const MODERATIONS: readonly Moderation[] = ["approve", "hide", "unhide", "delete", "pin", "unpin"];

const MODERATION_EVENTS: Record<Moderation, WebhookEvent | null> = {
  approve: "comment.approved",
  unhide: "comment.approved",
  hide: "comment.hidden",
  delete: "comment.deleted",
  pin: null,
  unpin: null,
};

/** A moderator's decision on a comment (the caller has checked who asks); false when there is no such comment. */
export async function moderate(id: string, action: Moderation, db: Db = defaultDb()): Promise<boolean> {
  return logged(
    { action, commentId: id, by: "author" },
    async () => {
      const pin = action === "pin" || action === "unpin";
      return changeComment(
        db,
        { type: MODERATION_EVENTS[action], id },
        (tx) => (pin ? setPinned(id, action === "pin", tx) : moderateComment(id, action, tx)),
        (found) => found,
      );
    },
    (found) => ({ outcome: found ? "done" : "not-found" }),
  );
}

/** The most comments one bulk action in /admin changes: one page of the list at its largest. */
export const MAX_BULK = 100;

/** A moderator's decision on several comments at once (the caller has checked who asks); how many it changed. */
export async function moderateMany(ids: readonly string[], action: Moderation, db: Db = defaultDb()): Promise<number> {
  return logged(
    { action, by: "author", asked: ids.length },
    async () => {
      let changed = 0;
      for (const id of [...new Set(ids)].slice(0, MAX_BULK)) if (await moderate(id, action, db)) changed++;
      return changed;
    },
    (count) => ({ outcome: "done", changed: count }),
  );
}

/** How long a ban or blocklist entry lasts, in days; null: until removed. */
export const BLOCK_DAYS = [1, 7, 30, 365] as const;

const blockInputSchema = z
  .object({
    kind: z.enum(BLOCK_KINDS, { error: () => t("admin.block.chooseKind") }),
    value: z.string({ error: () => t("admin.block.enterValue") }),
    action: z.enum(BLOCK_ACTIONS, { error: () => t("admin.block.chooseAction") }),
    note: z
      .string()
      .trim()
      .max(200, { error: () => t("admin.block.noteTooLong") })
      .optional()
      .transform((note) => note || null),
    days: z.coerce
      .number()
      .refine((days) => (BLOCK_DAYS as readonly number[]).includes(days), { error: () => t("admin.block.chooseDays") })
      .nullish(),
  })
  .superRefine((input, ctx) => {
    if (!actionsFor(input.kind).includes(input.action))
      ctx.addIssue({ code: "custom", path: ["action"], message: t("admin.block.wordAction") });
  });

export type BlockField = "kind" | "value" | "action" | "note" | "days";
export type BlockResult =
  { kind: "saved"; rule: BlockRule } | { kind: "invalid"; errors: Partial<Record<BlockField, string[]>> };

const expiry = (days: number | null | undefined, now: Date) =>
  days ? new Date(now.getTime() + days * 86_400_000) : null;

/** Adds a ban or blocklist entry from /admin (or changes the one with the same kind and value). */
export async function addBlock(
  input: { kind: unknown; value: unknown; action: unknown; note?: unknown; days?: unknown },
  db: Db = defaultDb(),
  now = new Date(),
): Promise<BlockResult> {
  return logged(
    { action: "block", by: "author" },
    async () => {
      const parsed = blockInputSchema.safeParse(input);
      if (!parsed.success) return { kind: "invalid", errors: z.flattenError(parsed.error).fieldErrors };
      const value = normalizeBlock(parsed.data.kind, parsed.data.value);
      if (!value.ok) return { kind: "invalid", errors: { value: [value.error] } };
      if ((await countBlocks(db)) >= MAX_BLOCKS)
        return { kind: "invalid", errors: { value: [t("admin.block.full", { max: MAX_BLOCKS })] } };
      const rule = await saveBlock(
        {
          kind: parsed.data.kind,
          value: value.value,
          action: parsed.data.action,
          note: parsed.data.note,
          expiresAt: expiry(parsed.data.days, now),
        },
        db,
        now,
      );
      return { kind: "saved", rule };
    },
    (r) => ({ outcome: r.kind }),
  );
}

/** Removes a ban or blocklist entry; false when there was none. */
export async function removeBlock(id: string, db: Db = defaultDb()): Promise<boolean> {
  return logged(
    { action: "unblock", by: "author" },
    async () => {
      return deleteBlock(id, db);
    },
    (found) => ({ outcome: found ? "done" : "not-found" }),
  );
}

export type BanOptions = {
  /** What to ban the comment's author by. */
  by: readonly (typeof BAN_KINDS)[number][];
  action?: BlockAction;
  days?: number | null;
  /** Move this comment and the others from the same browser or address into the shadow too. */
  shadowExisting?: boolean;
};

export type BanResult =
  | { kind: "banned"; bans: number; moved: number }
  | { kind: "not-found" }
  /** The site's author wrote it. */
  | { kind: "author" }
  /** Nothing to ban it by: an imported comment has no browser or address, and the name was not chosen. */
  | { kind: "nothing" };

/**
 * "Ban author" on the article page: bans whoever wrote a comment by its browser, address and/or
 * name (shadow, unless said otherwise) and, if asked, moves their comments into the shadow, so the
 * other readers stop seeing them while their author notices nothing.
 */
export async function banAuthor(
  commentId: string,
  options: BanOptions,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<BanResult> {
  return logged(
    { action: "ban", commentId, by: "author" },
    async () => {
      const target = await banTarget(commentId, db);
      if (!target) return { kind: "not-found" };
      if (target.byAuthor) return { kind: "author" };
      const action = options.action ?? "shadow";
      const values: Record<(typeof BAN_KINDS)[number], string | null> = {
        browser: target.browserId,
        address: target.authorIp && target.authorIp !== "unknown" ? target.authorIp : null,
        name: target.authorName || null,
      };
      let bans = 0;
      for (const kind of new Set(options.by)) {
        const raw = values[kind];
        const value = raw ? normalizeBlock(kind, raw) : null;
        if (!value?.ok) continue;
        const note = `${target.authorName || "a deleted comment"} on ${target.articleSlug}`.slice(0, 200);
        await saveBlock({ kind, value: value.value, action, note, expiresAt: expiry(options.days, now) }, db, now);
        bans++;
      }
      if (bans === 0) return { kind: "nothing" };
      let moved = 0;
      if (options.shadowExisting) {
        const by = new Set(options.by);
        moved = await shadowAuthorComments(
          {
            commentId,
            browserId: by.has("browser") ? values.browser : null,
            ip: by.has("address") ? values.address : null,
          },
          db,
        );
        forgetPages();
      }
      return { kind: "banned", bans, moved };
    },
    (r) => ({ outcome: r.kind }),
  );
}

/**
 * "Ban the authors" of ticked comments in /admin: each by browser and address, shadow, their
 * comments into the shadow with it. How many authors were banned.
 */
export async function banAuthors(ids: readonly string[], db: Db = defaultDb()): Promise<number> {
  return logged(
    { action: "ban", by: "author", asked: ids.length },
    async () => {
      let banned = 0;
      for (const id of [...new Set(ids)].slice(0, MAX_BULK)) {
        const result = await banAuthor(id, { by: ["browser", "address"], shadowExisting: true }, db);
        if (result.kind === "banned") banned++;
      }
      return banned;
    },
    (count) => ({ outcome: "done", changed: count }),
  );
}

/** Locks a discussion (no new comments or replies, a note says so) or opens it again. */
export async function lockDiscussion(slug: string, locked: boolean, db: Db = defaultDb()): Promise<void> {
  return logged(
    { action: locked ? "lock" : "unlock", slug, by: "author" },
    async () => {
      await setThreadLocked(slug, locked, db);
      forgetPages(slug);
    },
    () => ({ outcome: "done" }),
  );
}
