import { describe, expect, it } from "vitest";
import { isJsonContentType } from "@/lib/server/media-type";

describe("a JSON Content-Type", () => {
  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON;charset=UTF-8",
    "application/json ; charset=utf-8",
  ])("is %j", (header) => expect(isJsonContentType(header)).toBe(true));

  it.each([
    null,
    "",
    "application/jsonx",
    "application/json-seq",
    "application/json5",
    "text/json",
    "application/x-www-form-urlencoded",
    "text/plain; application/json",
  ])("is not %j", (header) => expect(isJsonContentType(header)).toBe(false));
});
