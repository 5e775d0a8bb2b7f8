import { randomFillSync } from "node:crypto";

// Every request has an id: the X-Request-ID the proxy in front gave it (nginx's $request_id) when
// that is well formed, else a new one (server.ts). It is in the request's log lines, the response's
// X-Request-ID header and on the error pages. A client can send any header: only a bounded value of
// plain characters is taken (enough for UUIDs, hex and base64), so it needs no escaping anywhere.

export const REQUEST_ID_HEADER = "x-request-id";

const REQUEST_ID = /^[A-Za-z0-9._:+/=-]{8,128}$/;

export const isRequestId = (value: unknown): value is string => typeof value === "string" && REQUEST_ID.test(value);

// Random bytes drawn for 128 ids at a time, as Node draws randomUUID's: a draw per request was 3 %
// of a cached page's answer.
const ID_BYTES = 12;
const pool = Buffer.alloc(ID_BYTES * 128);
let used = pool.length;

/** 16 characters of base64url (96 random bits). */
export function newRequestId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += ID_BYTES;
  return pool.toString("base64url", used - ID_BYTES, used);
}

/** The id of a request that came with `value` in its X-Request-ID (several headers come as an array: refused). */
export function requestIdOf(value: string | string[] | null | undefined): string {
  return isRequestId(value) ? value : newRequestId();
}
