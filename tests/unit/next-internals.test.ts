import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as internals from "@/lib/server/next-internals";
import {
  ACTION_FIELD_PREFIX,
  ACTION_HEADER,
  ACTION_KEY_FIELD,
  CHECKED_WITH,
  FLIGHT_REQUEST_HEADERS,
  flightString,
  hasBrokenActionFields,
  importConfigNatively,
  inlineFlightString,
  NOT_FOUND_ROUTE,
  serverOrigin,
  setServerOrigin,
} from "@/lib/server/next-internals";

// Each export of lib/server/next-internals.ts against the installed `next` package and the React
// it vendors (the one the App Router runs): Next's own values where they are plain modules (its
// header names, its not-found route, its htmlEscapeJsonString, called here), otherwise the code
// that writes or reads them, found in its files: the readable ones, and the runtime `next build`
// (Turbopack) runs in production. A failure names the internal, Next's file and ours to revisit.
// Reads about 1.3 MB of files and runs no clock.

const require = createRequire(import.meta.url);
const NEXT = path.dirname(require.resolve("next/package.json"));
const NEXT_VERSION = (require("next/package.json") as { version: string }).version;

const REACT_SERVER =
  "dist/compiled/react-server-dom-turbopack/cjs/react-server-dom-turbopack-server.node.production.js";
/** React's Flight client, which the server render uses to write a server action's form (encodeFormAction). */
const REACT_SSR_CLIENT =
  "dist/compiled/react-server-dom-turbopack/cjs/react-server-dom-turbopack-client.node.production.js";
const REACT_DOM_SERVER = "dist/compiled/react-dom/cjs/react-dom-server.node.production.js";
/** What a production server runs: Next's app-page code and the React above, bundled and minified. */
const RUNTIME = "dist/compiled/next-server/app-page-turbo.runtime.prod.js";

/** The files of ours to revisit when an internal changes. */
const USED_BY: Record<keyof typeof internals, string> = {
  CHECKED_WITH: "every export of lib/server/next-internals.ts",
  ACTION_HEADER: "lib/server/request-guards.ts, lib/server/post-lane.ts and lib/comments/actions.ts",
  FLIGHT_REQUEST_HEADERS: "lib/server/html-slots.ts (proxy.ts's document mark) and lib/server/page-cache-http.ts",
  NOT_FOUND_ROUTE: "proxy.ts",
  serverOrigin: "lib/server/page-cache-http.ts and server.ts",
  setServerOrigin: "server.ts",
  importConfigNatively: "server.ts (Next.js without its SWC compiler in production)",
  ACTION_FIELD_PREFIX: "lib/server/page-cache.ts (the reader's name in a form's action state)",
  ACTION_KEY_FIELD: "lib/comments/form-post.ts",
  hasBrokenActionFields: "lib/server/request-guards.ts (proxy.ts, lib/comments/form-post.ts)",
  flightString: "lib/server/page-cache.ts (the reader's name in a kept page)",
  inlineFlightString: "lib/server/page-cache.ts (the reader's name in a kept page)",
};

const revisit = (name: keyof typeof internals, what: string) =>
  `${name} (lib/server/next-internals.ts): ${what} in Next.js ${NEXT_VERSION}. Revisit it and ${USED_BY[name]}.`;

const files = new Map<string, string>();
function source(file: string): string {
  let text = files.get(file);
  if (text === undefined) files.set(file, (text = fs.readFileSync(path.join(NEXT, file), "utf8")));
  return text;
}

/** Asserts that Next's `file` still has `pattern`: the code that writes or reads the internal. */
function expectFound(name: keyof typeof internals, file: string, what: string, pattern: RegExp | string): void {
  const text = source(file);
  const found = typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
  expect(found, revisit(name, `${what} is no longer in node_modules/next/${file}`)).toBe(true);
}

const quoted = (value: string) => JSON.stringify(value);
const inRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** React's escapeStringValue: `"$" === value[0] ? "$" + value : value`, whatever the variable's name or spacing. */
const ESCAPE_STRING = /"\$"\s*===\s*(\w+)\[0\]\s*\?\s*"\$"\s*\+\s*\1\s*:\s*\1/;

type AppRouterHeaders = Record<
  "ACTION_HEADER" | "RSC_HEADER" | "NEXT_ROUTER_STATE_TREE_HEADER" | "NEXT_ROUTER_PREFETCH_HEADER",
  string
> & { FLIGHT_HEADERS: string[] };

describe("Next.js's and React's internals the site relies on (lib/server/next-internals.ts)", () => {
  it("checks every export of the module", () => {
    expect(
      Object.keys(internals).sort(),
      "a new export of lib/server/next-internals.ts needs its check here (and USED_BY)",
    ).toEqual(Object.keys(USED_BY).sort());
  });

  it("was checked against the installed Next.js and the React it vendors", () => {
    const react = /exports\.version = "([^"]+)"/.exec(source("dist/compiled/react/cjs/react.production.js"))?.[1];
    const upgraded = `Next.js ${NEXT_VERSION} with React ${react} is installed, lib/server/next-internals.ts was checked against Next.js ${CHECKED_WITH.next} with React ${CHECKED_WITH.react}: once the other checks here pass, read again what each export's comment says it depends on (not all of it can be checked) and update CHECKED_WITH.`;
    expect(NEXT_VERSION, upgraded).toBe(CHECKED_WITH.next);
    expect(react, upgraded).toBe(CHECKED_WITH.react);
  });

  it("ACTION_HEADER is Next's header on a server action called by script", () => {
    const headers = require("next/dist/client/components/app-router-headers.js") as AppRouterHeaders;
    expect(headers.ACTION_HEADER, revisit("ACTION_HEADER", "the server action header has changed")).toBe(ACTION_HEADER);
    // Where Next.js tells an action called by script (header) from a form posted without JavaScript.
    expectFound(
      "ACTION_HEADER",
      "dist/server/lib/server-action-request-meta.js",
      "the read of ACTION_HEADER",
      "_approuterheaders.ACTION_HEADER",
    );
    expectFound("ACTION_HEADER", RUNTIME, "the header's name", quoted(ACTION_HEADER));
  });

  it("FLIGHT_REQUEST_HEADERS are the router's headers Next.js answers with flight data, and strips", () => {
    const headers = require("next/dist/client/components/app-router-headers.js") as AppRouterHeaders;
    expect(FLIGHT_REQUEST_HEADERS, revisit("FLIGHT_REQUEST_HEADERS", "the router's header names have changed")).toEqual(
      [
        headers.RSC_HEADER,
        headers.NEXT_ROUTER_STATE_TREE_HEADER,
        headers.NEXT_ROUTER_PREFETCH_HEADER,
        headers.ACTION_HEADER,
      ],
    );
    for (const name of FLIGHT_REQUEST_HEADERS.filter((name) => name !== ACTION_HEADER)) {
      expect(
        headers.FLIGHT_HEADERS,
        revisit("FLIGHT_REQUEST_HEADERS", `"${name}" is not among FLIGHT_HEADERS`),
      ).toContain(name);
    }
    // Why proxy.ts marks a document request itself: the pages never see these headers.
    expectFound(
      "FLIGHT_REQUEST_HEADERS",
      "dist/server/app-render/strip-flight-headers.js",
      "the removal of FLIGHT_HEADERS before the pages",
      "FLIGHT_HEADERS",
    );
  });

  it("NOT_FOUND_ROUTE is Next's route of the not-found page", () => {
    const { UNDERSCORE_NOT_FOUND_ROUTE } = require("next/dist/shared/lib/entry-constants.js") as {
      UNDERSCORE_NOT_FOUND_ROUTE: string;
    };
    expect(UNDERSCORE_NOT_FOUND_ROUTE, revisit("NOT_FOUND_ROUTE", "the not-found route has moved")).toBe(
      NOT_FOUND_ROUTE,
    );
  });

  it("importConfigNatively sets what makes Next.js import next.config.ts without its SWC compiler", () => {
    expectFound(
      "importConfigNatively",
      "dist/build/next-config-ts/transpile-config.js",
      "the native import of next.config.ts under __NEXT_NODE_NATIVE_TS_LOADER_ENABLED",
      /process\.env\.__NEXT_NODE_NATIVE_TS_LOADER_ENABLED === 'true'[\s\S]*?process\.features\.typescript[\s\S]*?await import\(/,
    );
    const before = process.env.__NEXT_NODE_NATIVE_TS_LOADER_ENABLED;
    try {
      importConfigNatively();
      expect(process.env.__NEXT_NODE_NATIVE_TS_LOADER_ENABLED).toBe("true");
    } finally {
      if (before === undefined) delete process.env.__NEXT_NODE_NATIVE_TS_LOADER_ENABLED;
      else process.env.__NEXT_NODE_NATIVE_TS_LOADER_ENABLED = before;
    }
  });

  it("serverOrigin and setServerOrigin are __NEXT_PRIVATE_ORIGIN, which `next start` sets and server actions read", () => {
    expectFound(
      "setServerOrigin",
      "dist/server/lib/start-server.js",
      "`next start` setting __NEXT_PRIVATE_ORIGIN",
      /process\.env\.__NEXT_PRIVATE_ORIGIN\s*=[^=]/,
    );
    expectFound(
      "serverOrigin",
      "dist/server/app-render/action-handler.js",
      "the server actions' read of __NEXT_PRIVATE_ORIGIN",
      /=\s*process\.env\.__NEXT_PRIVATE_ORIGIN\b/,
    );
    expectFound("serverOrigin", RUNTIME, "__NEXT_PRIVATE_ORIGIN", "process.env.__NEXT_PRIVATE_ORIGIN");
    const before = process.env.__NEXT_PRIVATE_ORIGIN;
    try {
      setServerOrigin("http://localhost:4321");
      expect(process.env.__NEXT_PRIVATE_ORIGIN).toBe("http://localhost:4321");
      expect(serverOrigin()).toBe("http://localhost:4321");
    } finally {
      if (before === undefined) delete process.env.__NEXT_PRIVATE_ORIGIN;
      else process.env.__NEXT_PRIVATE_ORIGIN = before;
    }
  });

  it("ACTION_FIELD_PREFIX names the fields React writes into a server action's form, and reads back", () => {
    const ref = quoted(`${ACTION_FIELD_PREFIX}REF_`);
    // Written by the server render (encodeFormAction): $ACTION_REF_p, $ACTION_p:n, or $ACTION_ID_id.
    expectFound(
      "ACTION_FIELD_PREFIX",
      REACT_SSR_CLIENT,
      "$ACTION_REF_ + prefix",
      new RegExp(`${inRegExp(ref)}\\s*\\+`),
    );
    expectFound(
      "ACTION_FIELD_PREFIX",
      REACT_SSR_CLIENT,
      '$ACTION_ + prefix + ":" + key',
      new RegExp(`${inRegExp(quoted(ACTION_FIELD_PREFIX))}\\s*\\+\\s*\\w+\\s*\\+\\s*":"\\s*\\+`),
    );
    expectFound(
      "ACTION_FIELD_PREFIX",
      REACT_SSR_CLIENT,
      "$ACTION_ID_ + id",
      `${quoted(`${ACTION_FIELD_PREFIX}ID_`)} +`,
    );
    // Read by decodeAction, which keeps the other fields for the action.
    expectFound(
      "ACTION_FIELD_PREFIX",
      REACT_SERVER,
      "decodeAction's test of the prefix",
      `startsWith(${quoted(ACTION_FIELD_PREFIX)})`,
    );
    // As hidden inputs, name before value: page-cache.ts looks back from a value for its field's name.
    expectFound("ACTION_FIELD_PREFIX", REACT_DOM_SERVER, "the hidden input", `'<input type="hidden"'`);
    expectFound(
      "ACTION_FIELD_PREFIX",
      REACT_DOM_SERVER,
      "a hidden field's name written before its value",
      /function pushAdditionalFormField\([^)]*\)\s*\{[^}]*"name"[^}]*"value"/,
    );
    expectFound("ACTION_FIELD_PREFIX", RUNTIME, "$ACTION_REF_", ref);
  });

  it("ACTION_KEY_FIELD is the field of useActionState's form that decodeFormState reads", () => {
    expectFound("ACTION_KEY_FIELD", REACT_DOM_SERVER, "the form's $ACTION_KEY", `.append(${quoted(ACTION_KEY_FIELD)},`);
    expectFound("ACTION_KEY_FIELD", REACT_SERVER, "decodeFormState's read", `.get(${quoted(ACTION_KEY_FIELD)})`);
    expectFound("ACTION_KEY_FIELD", RUNTIME, "$ACTION_KEY", quoted(ACTION_KEY_FIELD));
  });

  it("hasBrokenActionFields reads the fields as React writes and decodes them", () => {
    // $ACTION_p:0 holds the reference, its bound arguments a part of their own named `$@` and its id.
    expectFound(
      "hasBrokenActionFields",
      REACT_SSR_CLIENT,
      "encodeFormData({ id, bound })",
      /encodeFormData\(\{\s*id:\s*\w+\.id,\s*bound:\s*\w+\.bound\s*\}\)/,
    );
    expectFound("hasBrokenActionFields", REACT_SSR_CLIENT, '"$@" + id', /"\$@"\s*\+\s*\w+\.toString\(16\)/);
    expectFound(
      "hasBrokenActionFields",
      REACT_SERVER,
      'decodeAction\'s "$ACTION_" + p + ":" from $ACTION_REF_p',
      new RegExp(`${inRegExp(quoted(ACTION_FIELD_PREFIX))}\\s*\\+\\s*\\w+\\.slice\\(12\\)\\s*\\+\\s*":"`),
    );
    expectFound(
      "hasBrokenActionFields",
      REACT_SERVER,
      "the reference read from part 0",
      /function decodeBoundActionMetaData\([\s\S]*?getChunk\(\s*\w+,\s*0\s*\)/,
    );
    // A form as React writes it, then cut.
    const form = new FormData();
    form.append(`${ACTION_FIELD_PREFIX}REF_1`, "");
    form.append(`${ACTION_FIELD_PREFIX}1:0`, JSON.stringify({ id: "7f00aa", bound: "$@1" }));
    form.append(`${ACTION_FIELD_PREFIX}1:1`, JSON.stringify([{ slug: "x" }]));
    form.append(ACTION_KEY_FIELD, "k0");
    expect(hasBrokenActionFields(form)).toBe(false);
    form.delete(`${ACTION_FIELD_PREFIX}1:0`);
    expect(hasBrokenActionFields(form)).toBe(true);
  });

  it("flightString is how React writes a string in its rows and in a form's action state", () => {
    expectFound("flightString", REACT_SERVER, "escapeStringValue (rows)", ESCAPE_STRING);
    expectFound("flightString", REACT_SSR_CLIENT, "the reply's string escape (action state)", ESCAPE_STRING);
    expectFound("flightString", RUNTIME, "escapeStringValue", /"\$"===(\w+)\[0\]\?"\$"\+\1:\1/);
    expect(flightString("$money")).toBe("$$money");
    expect(flightString('a "b" \\ c')).toBe('a \\"b\\" \\\\ c');
  });

  it("inlineFlightString is a string of a row as Next.js writes it into the page's script", () => {
    expectFound(
      "inlineFlightString",
      "dist/server/app-render/use-flight-response.js",
      "the script",
      "self.__next_f.push(",
    );
    expectFound(
      "inlineFlightString",
      "dist/server/app-render/use-flight-response.js",
      "htmlEscapeJsonString(JSON.stringify([INLINE_FLIGHT_PAYLOAD_DATA, row]))",
      /htmlEscapeJsonString\)\(JSON\.stringify\(\[\s*INLINE_FLIGHT_PAYLOAD_DATA,/,
    );
    expectFound("inlineFlightString", RUNTIME, "the script", "self.__next_f.push(");
    // Next's own escape, on a row that carries each value as a prop.
    const { htmlEscapeJsonString } = require("next/dist/shared/lib/htmlescape.js") as {
      htmlEscapeJsonString: (json: string) => string;
    };
    for (const value of ["Ada", `</script><b>&"'\\`, "$money", "line\u2028and\u2029para", "é 😀", "\u0000\t\n"]) {
      const script = htmlEscapeJsonString(JSON.stringify([1, `1:{"name":"${flightString(value)}"}\n`]));
      expect(script, revisit("inlineFlightString", `the inline payload of ${quoted(value)} reads otherwise`)).toContain(
        inlineFlightString(value),
      );
    }
  });
});
