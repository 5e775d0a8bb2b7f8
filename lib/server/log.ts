import { AsyncLocalStorage } from "node:async_hooks";
import { format, stripVTControlCharacters } from "node:util";
import pino, { type Logger } from "pino";
import { settings } from "../settings";
import { processWide } from "../process-wide";

// The server's log: one JSON line per event on stdout (pino), for journald or any log shipper.
// server.ts writes one line per request and sends console output here too; the comment actions one
// per comment change. Each line written while a request is served carries its request id, which
// the response's X-Request-ID header and the error pages show, so a reader's "Reference" finds it.
// What never goes in: comment bodies, names, email addresses, cookies, query strings (previews and
// mail links carry their tokens there).

export type RequestContext = { id: string };

type Shared = { logger?: Logger; context: AsyncLocalStorage<RequestContext> };
// server.ts and the app's bundles each load their own copy of this module: one logger and one
// request context per process.
const shared = processWide<Shared>("log", () => ({ context: new AsyncLocalStorage<RequestContext>() }));

export { isRequestId, newRequestId, REQUEST_ID_HEADER, requestIdOf } from "./request-id";

/** Runs `body` as part of a request: every line logged meanwhile carries its id. */
export function withRequest<T>(context: RequestContext, body: () => T): T {
  return shared.context.run(context, body);
}

export function currentRequestId(): string | undefined {
  return shared.context.getStore()?.id;
}

export function logger(): Logger {
  shared.logger ??= pino({
    level: settings().LOG_LEVEL,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const id = currentRequestId();
      return id ? { requestId: id } : {};
    },
    // Whatever an error or a caller passes along, these never reach the log by name.
    redact: { paths: ["body", "email", "cookie", "headers.cookie", "authorName", "password"], remove: true },
  });
  return shared.logger;
}

// An address in a message (an SMTP server's refusal quotes the recipient): replaced, not logged.
const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[A-Za-z]{2,}/g;
export const withoutEmails = (text: string) => text.replace(EMAIL, "[address]");

/** A path as logged: no query string, bounded. */
export function loggedPath(url: string | undefined): string {
  const path = (url ?? "").split("?")[0].split("#")[0];
  return path.length > 256 ? `${path.slice(0, 256)}…` : path;
}

type Change = {
  /** What was asked: post, edit, delete, react, moderate (approve, hide, unhide, delete), pin, lock, import. */
  action: string;
  /** What came of it: posted, rate-limited, invalid, saved, not-yours…; "failed" for a database error. */
  outcome: string;
  slug?: string;
  commentId?: string;
  [key: string]: string | number | boolean | undefined;
};

/** One line per comment change (or refused attempt): what and where, never the text or who wrote it. */
export function logCommentChange(change: Change, error?: unknown): void {
  // Slugs and ids come from the request: bounded here.
  const fields = Object.entries(change).map(([key, value]) => [
    key,
    typeof value === "string" ? value.slice(0, 128) : value,
  ]);
  const line = { event: "comment", ...Object.fromEntries(fields) };
  if (error) logger().error({ ...line, err: scrubbedError(error) }, "comment change failed");
  else logger().info(line, "comment change");
}

/** An error as logged: its type, code, digest, and message and stack with any email address blanked. */
export function scrubbedError(error: unknown) {
  if (!(error instanceof Error)) return { message: withoutEmails(String(error)) };
  const { code, digest } = error as { code?: unknown; digest?: unknown };
  return {
    type: error.constructor?.name && error.constructor.name !== "Object" ? error.constructor.name : error.name,
    message: withoutEmails(error.message),
    stack: error.stack && withoutEmails(error.stack),
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof digest === "string" ? { digest } : {}),
  };
}

const CONSOLE_LEVELS = { log: "info", info: "info", debug: "debug", warn: "warn", error: "error" } as const;

/**
 * Sends console output (Next.js's own, and the app's console.warn/error) to the log as JSON lines,
 * an Error among the arguments as `err` with its stack. For server.ts, in production.
 */
export function consoleToLog(): void {
  for (const [method, level] of Object.entries(CONSOLE_LEVELS) as [keyof typeof CONSOLE_LEVELS, pino.Level][]) {
    console[method] = (...args: unknown[]) => {
      const error = args.find((arg): arg is Error => arg instanceof Error);
      // Without the terminal's colours Next.js puts in its messages.
      const message = withoutEmails(stripVTControlCharacters(format(...args.filter((arg) => arg !== error))));
      if (error) logger()[level]({ err: scrubbedError(error) }, message || withoutEmails(error.message));
      else logger()[level](message);
    };
  }
}
