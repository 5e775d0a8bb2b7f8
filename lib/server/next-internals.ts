// What the site relies on of Next.js's and React's internals: names and formats neither documents
// (the router's and server actions' request headers, the fields React writes into a server
// action's form, how a string reads in React's payload and in Next's inline script, an environment
// variable of `next start`, a route of Next's own). They can change in any release, so they are
// fenced here: an upgrade that changes one breaks this module's test
// (tests/unit/next-internals.test.ts, against the installed `next` package), which names the file
// of ours that uses it, rather than the site quietly. Imports nothing: lib/server/html-slots.ts,
// which a client component reads, imports it.

/** The releases each export below was last checked against (the test fails on another: check them again, then update). */
export const CHECKED_WITH = { next: "16.4.6", react: "19.3.0-canary-278794d7-20261002" } as const;

/** Next's header on a server action called by script (its ACTION_HEADER); a form posted without JavaScript has none. */
export const ACTION_HEADER = "next-action";

/** Next's router's headers (RSC_HEADER, NEXT_ROUTER_STATE_TREE_HEADER, NEXT_ROUTER_PREFETCH_HEADER) and ACTION_HEADER: requests answered with flight data only. */
export const FLIGHT_REQUEST_HEADERS = ["rsc", "next-router-state-tree", "next-router-prefetch", ACTION_HEADER];

/** The route of Next's own that renders the app's not-found page (its UNDERSCORE_NOT_FOUND_ROUTE). */
export const NOT_FOUND_ROUTE = "/_not-found";

/**
 * Where this server listens, which `next start` notes for itself in __NEXT_PRIVATE_ORIGIN (the
 * Host header may be a proxy's name), and Next's server actions read to fetch a redirect's page.
 */
export const serverOrigin = (): string | undefined => process.env.__NEXT_PRIVATE_ORIGIN;

/** What `next start` does once listening (start-server's __NEXT_PRIVATE_ORIGIN), for server.ts, which replaces it. */
export function setServerOrigin(origin: string): void {
  process.env.__NEXT_PRIVATE_ORIGIN = origin;
}

/**
 * Makes Next.js import next.config.ts as the runtime's own TypeScript (Node's type stripping: `npm
 * start` runs server.ts compiled, without a loader) rather than transpile it with its SWC compiler, which stays loaded
 * for the life of the process, 24 MB resident (what `next --experimental-next-config-strip-types`
 * sets). Where the runtime strips no types, Next.js falls back to SWC by itself.
 */
export function importConfigNatively(): void {
  process.env.__NEXT_NODE_NATIVE_TS_LOADER_ENABLED = "true";
}

/** React's prefix of the fields it writes into a server action's form for a post without JavaScript (encodeFormAction, decodeAction). */
export const ACTION_FIELD_PREFIX = "$ACTION_";

/** The field React writes into a form whose action is useActionState's (its permalink key, read by decodeFormState). */
export const ACTION_KEY_FIELD = "$ACTION_KEY";

const json = (value: FormDataEntryValue | null) => {
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * Whether a form's server-action fields, as React writes them ($ACTION_REF_n, then $ACTION_n:0
 * naming the action and, as `$@` and a part's id, its bound state in $ACTION_n:1…; or
 * $ACTION_ID_…), were cut or altered: React's decodeAction would throw on them.
 */
export function hasBrokenActionFields(form: FormData): boolean {
  const names = [...form.keys()].filter((name) => name.startsWith(ACTION_FIELD_PREFIX));
  if (names.length === 0) return false;
  for (const name of names) {
    const ref = /^\$ACTION_REF_(\d+)$/.exec(name)?.[1];
    if (ref === undefined) continue;
    const action = json(form.get(`$ACTION_${ref}:0`)) as { id?: unknown; bound?: unknown } | undefined;
    if (typeof action?.id !== "string") return true;
    const bound = typeof action.bound === "string" ? /^\$@(\d+)$/.exec(action.bound)?.[1] : undefined;
    if (action.bound !== null && !Array.isArray(json(form.get(`$ACTION_${ref}:${bound}`)))) return true;
  }
  const referenced = names.some((name) => /^\$ACTION_(REF|ID)_/.test(name));
  return !referenced || names.some((name) => /^\$ACTION_\d+:\d+$/.test(name) && json(form.get(name)) === undefined);
}

/**
 * A string inside a JSON string of React's (a flight row, a form's action state): React escapes
 * one that starts with "$" with an extra "$" (its escapeStringValue), its rows are JSON.
 */
export const flightString = (value: string): string =>
  JSON.stringify(value.startsWith("$") ? `$${value}` : value).slice(1, -1);

/**
 * A string prop as it reads in the page's inline payload: Next.js writes the flight row as a JSON
 * string inside a script (self.__next_f.push), with `<`, `>`, `&` and the line separators escaped
 * (its htmlEscapeJsonString).
 */
export function inlineFlightString(value: string): string {
  return JSON.stringify(flightString(value))
    .slice(1, -1)
    .replace(/[&<>\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
