import { z } from "zod";
import { COMMENT_STATUSES } from "./limits";
import { ADMIN_PATH } from "../routes";

// What the moderation list in /admin shows, as its address says: search, filters, page. Parsed
// the same way by the page and by its actions (which send the moderator back to the same list),
// so a forged value falls back to a default and the way back is always /admin.

export const PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;
/** What the moderation list's buttons do to the ticked comments (or to one, from its own row). */
export const BULK_ACTIONS = ["approve", "hide", "unhide", "delete", "ban"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Ids are ours (UUIDs) or an import's stable ids. */
export const COMMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .catch(undefined)
    .transform((value) => value || undefined);

export const moderationQuerySchema = z.object({
  q: optionalText(200),
  status: z.enum(COMMENT_STATUSES).optional().catch(undefined),
  article: z
    .string()
    .regex(/^[a-z0-9-]{1,200}$/)
    .optional()
    .catch(undefined),
  flagged: z.literal("1").optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  per: z.coerce
    .number()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .catch(DEFAULT_PAGE_SIZE),
});

export type ModerationQuery = z.infer<typeof moderationQuerySchema>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function parseModerationQuery(params: Record<string, string | string[] | undefined>): ModerationQuery {
  return moderationQuerySchema.parse({
    q: first(params.q),
    status: first(params.status),
    article: first(params.article),
    flagged: first(params.flagged),
    page: first(params.page) ?? 1,
    per: first(params.per) ?? DEFAULT_PAGE_SIZE,
  });
}

/** The list's query string with `changes`, defaults left out. */
export function moderationSearch(query: ModerationQuery, changes: Partial<ModerationQuery> = {}): URLSearchParams {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.status) params.set("status", next.status);
  if (next.article) params.set("article", next.article);
  if (next.flagged) params.set("flagged", "1");
  if (next.page > 1) params.set("page", String(next.page));
  if (next.per !== DEFAULT_PAGE_SIZE) params.set("per", String(next.per));
  return params;
}

/** The list's address with `changes` and `extra` parameters (a notice, a confirmation), and a fragment. */
export function moderationUrl(
  query: ModerationQuery,
  changes: Partial<ModerationQuery> = {},
  extra: Record<string, string> = {},
  fragment?: string,
): string {
  const params = moderationSearch(query, changes);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const search = params.toString();
  return `${ADMIN_PATH}${search ? `?${search}` : ""}${fragment ? `#${fragment}` : ""}`;
}

/** The list a form was sent from (its `back` field, a query string), as a query: anything else is the default list. */
export function backQuery(back: FormDataEntryValue | null): ModerationQuery {
  const params = new URLSearchParams(typeof back === "string" ? back.slice(0, 1_000) : "");
  return parseModerationQuery(Object.fromEntries(params));
}
