import { z } from "zod";
import { parseTrustProxy } from "./trust-proxy";
import { processWide } from "./process-wide";
import { canonicalTag, LANGUAGES, siteLanguageAccepted, WITHOUT_CATALOG } from "./i18n/languages";

// Every environment variable the app reads, parsed by one schema (the commented list is
// .env.example). Nothing else reads process.env but Next's own __NEXT_PRIVATE_ORIGIN
// (server/next-internals.ts), NEXT_RUNTIME and NEXT_PHASE, and the article pipeline's version
// that the build writes into the code (lib/content/articles.ts, article-cache.ts): a bad value fails with the variable's name, at start (server.ts and
// the scripts call settings() first) rather than on the first request that needs it.

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Canonical URLs, feeds, the sitemap and Open Graph tags; unset, links point at the dev server. */
  SITE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://example.com" })
    .default("http://localhost:3000")
    .transform((url) => url.replace(/\/+$/, "")),
  /**
   * The language of the site's interface, mail and feeds (lib/i18n, docs/languages.md): a BCP 47
   * tag with a catalog, its own (pt-BR) or its language's (fr-CA reads French, with Canadian dates),
   * or Hebrew or Persian, right to left in their fonts with the interface's words in English.
   */
  SITE_LANGUAGE: z
    .string()
    .default("en")
    .refine(siteLanguageAccepted, {
      error: `must be a language tag (BCP 47) of a language with a catalog: ${LANGUAGES.join(", ")} (or ${WITHOUT_CATALOG.join(", ")}, in English words)`,
    })
    .transform(canonicalTag),
  /** `off`: mermaid diagrams stay code blocks with a note, without starting a browser at build. */
  MERMAID_RENDER: z.enum(["on", "off"]).default("on"),
  /** Where the articles are (the end-to-end tests point it at a fixture folder). */
  CONTENT_DIR: z.string().optional(),
  /** `file:` (SQLite, the default) or `postgres://`; lib/server/database-url.ts resolves it. */
  DATABASE_URL: z.string().optional(),
  /** Opens /preview/<slug>?token=…; without it (or shorter than 16 characters) previews are off. */
  PREVIEW_TOKEN: z.string().optional(),
  COOKIE_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  // Guessing stays impractical only with a long password: the lock-outs slow a guesser, no more.
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters (a passphrase of a few words)").optional(),
  /** pre: every new comment waits; first: a browser's first, until one of its comments is approved; post: none. */
  COMMENTS_MODERATION: z.enum(["pre", "first", "post"]).default("post"),
  COMMENT_RATE_PER_MINUTE: positiveInt(5),
  COMMENT_RATE_PER_HOUR: positiveInt(30),
  COMMENT_EDIT_MINUTES: positiveInt(15),
  COMMENT_MIN_FILL_SECONDS: z.coerce.number().nonnegative().default(3),
  /** The spam score (lib/comments/spam.ts) from which a comment waits for approval in any mode; 0: no score. */
  SPAM_THRESHOLD: z.coerce.number().int().nonnegative().default(5),
  PAGE_CACHE_SECONDS: z.coerce.number().nonnegative().default(1),
  /** How long a stopping server (SIGTERM) lets the requests under way finish before it cuts them. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().default(20),
  /** The least severe JSON log lines written (pino's levels); `silent` writes none. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `must be a hop count or a list of addresses, CIDR ranges and loopback: ${(error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  /**
   * How much of an IPv6 address is one client (lib/server/address-key.ts): its rate limits,
   * lock-out and a ban of a plain address cover the whole block. Providers hand out a /64 each.
   */
  IPV6_RATE_PREFIX: z.coerce.number().int().min(32).max(128).default(64),
  // Mail (lib/mail/mail.ts, docs/configuration.md): without SMTP_URL nothing is queued and the
  // subscription fields are hidden.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://, e.g. smtps://user:password@smtp.example.com:465")
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  AUTHOR_EMAIL: z.email("must be an email address").optional(),
  /** 0: one mail per new comment; N: one digest per N minutes. */
  AUTHOR_DIGEST_MINUTES: z.coerce.number().nonnegative().default(0),
  /** Replies to one reader within this many seconds come as one mail. */
  REPLY_BATCH_SECONDS: z.coerce.number().nonnegative().default(180),
  MAIL_RATE_PER_RECIPIENT_HOUR: positiveInt(10),
  MAIL_RATE_PER_HOUR: positiveInt(300),
  /**
   * How many of those may be confirmation mails (to addresses nobody has confirmed yet), so that
   * sign-ups, genuine or not, never use up what notifications to confirmed readers need. Unset: a
   * quarter of MAIL_RATE_PER_HOUR.
   */
  MAIL_CONFIRMATION_RATE_PER_HOUR: z.coerce.number().int().positive().optional(),
  /** The first retry's delay; each further one doubles it, up to an hour. */
  MAIL_RETRY_SECONDS: z.coerce.number().positive().default(30),
  MAIL_POLL_SECONDS: z.coerce.number().positive().default(5),
  /** How long a sender holds a message it is sending before another may take it over. */
  MAIL_LEASE_SECONDS: z.coerce.number().positive().default(120),
  /** How long confirmation and moderation links in mails stay valid. */
  MAIL_LINK_HOURS: positiveInt(72),
  // Reply by email (lib/mail-in/, docs/mail.md): notifications carry Reply-To
  // reply+<token>@MAIL_REPLY_DOMAIN, and the app listens for SMTP on SMTP_INBOUND_PORT.
  MAIL_REPLY_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$|^localhost$/i, "must be a domain name, e.g. reply.example.com")
    .optional(),
  SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_INBOUND_HOST: z.string().default("0.0.0.0"),
  /** The largest mail the listener takes (its SIZE extension and the bytes it counts). */
  SMTP_INBOUND_MAX_BYTES: positiveInt(2_000_000),
  /** STARTTLS on the listener, with these PEM files. */
  SMTP_INBOUND_TLS_KEY: z.string().optional(),
  SMTP_INBOUND_TLS_CERT: z.string().optional(),
  // The social web (lib/fediverse/, docs/fediverse.md): the site as an ActivityPub actor.
  /** `on`: the site answers WebFinger, NodeInfo and ActivityPub, and fediverse replies become comments. */
  FEDIVERSE: z.enum(["on", "off"]).default("off"),
  /** The actor's user name: `@blog@<host>` by default. */
  FEDIVERSE_HANDLE: z
    .string()
    .regex(/^[a-z0-9_]{1,30}$/, "must be 1 to 30 lower-case letters, digits or underscores")
    .default("blog"),
  /**
   * TESTS ONLY: let Fedify fetch loopback and private addresses (the tests' second server on
   * 127.0.0.1). Refused when NODE_ENV is production (it would open the server to SSRF), unless
   * SITE_URL is a 127.x.x.x address: a test cluster's production build.
   */
  FEDIVERSE_ALLOW_PRIVATE_ADDRESS: z.enum(["0", "1"]).default("0"),
  /** How often an idle instance looks for queued fediverse work (deliveries, inbox activities). */
  FEDIVERSE_POLL_SECONDS: z.coerce.number().positive().default(2),
  WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
});

export type Settings = z.infer<typeof schema>;

/** Messages for the checks that carry none of their own, to read as "NAME must be …". */
function mustBe(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.join(", ")}`;
    case "too_small":
      if (issue.origin === "string") return `must be at least ${issue.minimum} characters`;
      return `must be ${issue.inclusive === false ? "more than" : "at least"} ${issue.minimum}`;
    case "too_big":
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}`;
    case "invalid_type":
      return issue.expected === "number" || issue.expected === "int"
        ? "must be a number"
        : `must be a ${issue.expected}`;
    default:
      return "is not valid";
  }
}

const NAMES = Object.keys(schema.shape) as (keyof Settings)[];
let last: { key: string; value: Settings; env: NodeJS.ProcessEnv } | undefined;

// Set by server.ts once it has checked the settings of a production server, whose environment
// does not change while it runs. Once per process: Next.js bundles the app's, the proxy's and
// instrumentation's copies of this module apart, and server.ts loads its own.
const fixed = processWide("settings", () => ({ done: false }));

/** From now on this process's environment is taken as it is: each copy of this module reads it once more, then never. */
export function fixSettings(): void {
  fixed.done = true;
}

/**
 * The settings, parsed again only when one of the variables changed: they are read many times per
 * request (tests change them between cases). Once fixSettings() was called, the environment is not
 * read again: reading its ~40 variables cost ~40 µs a call, about a millisecond of every comment post.
 */
export function settings(env: NodeJS.ProcessEnv = process.env): Settings {
  if (last?.env === env && fixed.done) return last.value;
  const values = Object.fromEntries(NAMES.map((name) => [name, env[name] || undefined]));
  const key = JSON.stringify(values);
  if (last?.key === key) {
    last.env = env;
    return last.value;
  }
  const result = schema.safeParse(values, { error: mustBe });
  if (!result.success) {
    throw new Error(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; "));
  }
  if (
    result.data.FEDIVERSE_ALLOW_PRIVATE_ADDRESS === "1" &&
    result.data.NODE_ENV === "production" &&
    !onLoopbackAddress(result.data.SITE_URL)
  ) {
    // It would let any fediverse server make this one fetch its own network: tests only. A
    // production build whose SITE_URL is a 127.x.x.x address is a test cluster (the reliability
    // suite's, tests/reliability/fediverse.ts): no fediverse server out there can name it.
    throw new Error("FEDIVERSE_ALLOW_PRIVATE_ADDRESS is for tests only: it must not be set in production");
  }
  last = { key, value: result.data, env };
  return result.data;
}

/** Whether `url` names a 127.x.x.x address literally (not "localhost", the default). */
function onLoopbackAddress(url: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(new URL(url).hostname);
}

/** The key that signs cookies and form tokens. */
export function cookieSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = settings(env).COOKIE_SECRET;
  if (!secret) {
    throw new Error(
      "COOKIE_SECRET is not set: run `npm run setup` (or `npm run dev`, `npm start`) to generate it into .env.local",
    );
  }
  return secret;
}

/** `next dev`: content is read afresh on every request, drafts show, nothing is cached. */
export const isDevelopment = () => settings().NODE_ENV === "development";
export const isProduction = () => settings().NODE_ENV === "production";
