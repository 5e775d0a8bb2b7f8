// Finding a page's Webmention endpoint, against webmention.rocks' discovery tests (its test data,
// tests/fixtures/webmention/DiscoveryTestData.php, SOURCES.md): each test's page (its Link header,
// its <link> tag and its HTML) must give its one right endpoint, never the decoys ("/error").
// The 23rd (a redirect before the page) is the fetch's: safe-fetch resolves against the final URL.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { discoverEndpoint, externalLinks } from "@/lib/fediverse/webmention-send";

const BASE = "https://webmention.rocks/";
const php = fs
  .readFileSync("tests/fixtures/webmention/DiscoveryTestData.php", "utf8")
  .replaceAll("'.Config::$base.'", BASE)
  .replaceAll("'.$params.'", "")
  .replace(/\n\s*\/\/.*$/gm, "");
const STRING = String.raw`'((?:[^'\\]|\\.)*)'`;
const unquote = (text: string) => text.replace(/\\'/g, "'");
const field = (block: string, name: string): string[] => {
  const single = new RegExp(String.raw`'${name}' => ${STRING}`).exec(block);
  if (single) return [unquote(single[1])];
  const list = new RegExp(String.raw`'${name}' => \[([\s\S]*?)\]`).exec(block);
  return list ? [...list[1].matchAll(new RegExp(STRING, "g"))].map((m) => unquote(m[1])) : [];
};

const tests = [...php.matchAll(/\n\s{6}(\d+) => \[([\s\S]*?)\n\s{6}\]/g)].map(([, number, block]) => ({
  number: Number(number),
  linkHeader: field(block, "link_header").filter(Boolean),
  linkTag: field(block, "link_tag")[0] ?? "",
  description: field(block, "description")[0] ?? "",
}));

const expected = (n: number) =>
  n === 15 ? `${BASE}test/15` : n === 21 ? `${BASE}test/21/webmention?query=yes` : `${BASE}test/${n}/webmention`;

describe("webmention.rocks discovery", () => {
  it("reads all its tests", () => {
    expect(tests.map((t) => t.number)).toEqual([...Array(23).keys()].map((n) => n + 1));
  });

  for (const test of tests.filter((t) => t.number !== 23)) {
    it(`finds the endpoint of test ${test.number}`, () => {
      const page = `${BASE}test/${test.number}`;
      const html = `<!doctype html><html><head><title>t</title>${test.linkTag}</head><body><div class="e-content">${test.description}</div></body></html>`;
      const headers = test.linkHeader.length ? { link: test.linkHeader } : {};
      expect(discoverEndpoint(headers, html, page)).toBe(expected(test.number));
    });
  }
});

describe("the links an article sends to", () => {
  it("are its http(s) links outside the site, once each, without fragments, commented-out ones or reserved names", () => {
    const html = `<p><a href="https://a.site/post#x">a</a> <a href="https://a.site/post">again</a>
      <a href="/tags/x">own</a> <a href="http://blog.example/articles/y">own, absolute</a>
      <a href="mailto:someone@example.com">mail</a> <!-- <a href="https://hidden.example/">x</a> -->
      <a title="no href">x</a> <a href="https://www.example.com/">reserved</a> <a href="http://x.test/">test</a> <a href='https://b.site/?q=1&amp;r=2'>b</a></p>`;
    expect(externalLinks(html, "http://blog.example")).toEqual(["https://a.site/post", "https://b.site/?q=1&r=2"]);
  });
});
