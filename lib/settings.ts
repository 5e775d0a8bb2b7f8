import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  ADMIN_PASSWORD: z.string().min(1).optional(),
  /** pre: every new comment waits; first: a browser's first, until one of its comments is approved; post: none. */
  COMMENTS_MODERATION: z.enum(["pre", "first", "post"]).default("post"),
  COMMENT_RATE_PER_MINUTE: positiveInt(5),
  COMMENT_RATE_PER_HOUR: positiveInt(30),
  COMMENT_EDIT_MINUTES: positiveInt(15),
  COMMENT_MIN_FILL_SECONDS: z.coerce.number().nonnegative().default(3),
  PAGE_CACHE_SECONDS: z.coerce.number().nonnegative().default(1),
});

export type Settings = z.infer<typeof schema>;

const NAMES = Object.keys(schema.shape) as (keyof Settings)[];
let last: { key: string; value: Settings } | undefined;

/**
 * Comment, moderation and cache settings from the environment, checked on use so a bad value
 * fails with the variable's name, and tests can change them between cases; parsed again only when
 * one of them changed (they are read several times per comment).
 */
export function settings(env: NodeJS.ProcessEnv = process.env): Settings {
  const values = Object.fromEntries(NAMES.map((name) => [name, env[name] || undefined]));
  const key = JSON.stringify(values);
  if (last?.key === key) return last.value;
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new Error(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  }
  last = { key, value: result.data };
  return result.data;
}

const secretSchema = z
  .string({ error: "COOKIE_SECRET is not set: run `npm run setup` (or `npm run dev`, `npm start`) to generate it into .env.local" })
  .min(32, "COOKIE_SECRET must be at least 32 characters");

/** The key that signs cookies and form tokens. */
export function cookieSecret(env: NodeJS.ProcessEnv = process.env): string {
  const result = secretSchema.safeParse(env.COOKIE_SECRET);
  if (!result.success) throw new Error(result.error.issues[0].message);
  return result.data;
}
