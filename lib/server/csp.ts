import { THEME_SCRIPT_HASH } from "../theme";

/**
 * The page's Content-Security-Policy. Scripts run only with this response's nonce (Next.js puts it
 * on its own scripts when it renders the page) or, for the constant theme script in <head>, by
 * hash; 'strict-dynamic' lets those scripts load Next's chunks. Styles come from the site's CSS
 * files; inline style attributes (next/image sets some) stay allowed, scripts never inline.
 * `development`: Next's dev server evaluates its hot-reloaded modules.
 */
export function contentSecurityPolicy(nonce: string, options: { https: boolean; development: boolean }): string {
  // Written once per kind of answer around the nonce's place: every cached answer carries one.
  const key = `${options.https} ${options.development}`;
  let around = policies.get(key);
  if (!around) policies.set(key, (around = policyAround(options)));
  return around[0] + nonce + around[1];
}

const policies = new Map<string, [string, string]>();

function policyAround(options: { https: boolean; development: boolean }): [string, string] {
  const nonce = "\0";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' '${THEME_SCRIPT_HASH}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
  const [before, after] = policy.split(nonce);
  return [before, after];
}

/** A fresh nonce for one response. */
export const newNonce = () => Buffer.from(crypto.randomUUID()).toString("base64");
