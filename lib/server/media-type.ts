// `startsWith("application/json")` would also take application/jsonx or application/json-seq:
// the media type must be exactly JSON, in any case, with or without parameters (`; charset=utf-8`).
const JSON_MEDIA_TYPE = /^application\/json[\t ]*(?:;|$)/i;

/** Whether a Content-Type header says the body is JSON. */
export function isJsonContentType(header: string | null): boolean {
  return JSON_MEDIA_TYPE.test(header?.trim() ?? "");
}
