// The site's icon comes from content/ while the site runs: the author's SVG or PNG, else
// Marginalia's mark; /favicon.ico answers their ICO, their PNG wrapped as one, their SVG, or the mark.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { favicon, pngIco, siteAvatar, siteIcon } from "@/lib/content/site-icon";

const BARS = fs.readFileSync("tests/fixtures/content-e2e/images/bars.png");
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';
const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), "site-icon-"));

describe("the site's icon", () => {
  it("is Marginalia's mark until the author puts one in content/", () => {
    const dir = folder();
    expect(siteIcon(dir)).toEqual({ url: "/icons/marginalia.svg", type: "image/svg+xml", custom: false });
    const ico = favicon(dir);
    expect(ico.type).toBe("image/x-icon");
    expect(ico.bytes.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  });

  it("is the author's SVG, at an address that changes with its bytes, and /favicon.ico serves it too", () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, "icon.svg"), SVG);
    const first = siteIcon(dir);
    expect(first).toMatchObject({ url: expect.stringMatching(/^\/media\/~[0-9a-f]{12}\/icon\.svg$/), custom: true });
    expect(favicon(dir)).toEqual({ bytes: Buffer.from(SVG), type: "image/svg+xml" });
    fs.writeFileSync(path.join(dir, "icon.svg"), SVG.replace('width="1"', 'width="0.5"'));
    expect(siteIcon(dir).url).not.toBe(first.url);
  });

  it("wraps the author's PNG as an ICO that holds it whole, and prefers their own favicon.ico", () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, "icon.png"), BARS);
    expect(siteIcon(dir)).toMatchObject({ type: "image/png", url: expect.stringContaining("/icon.png") });
    const ico = favicon(dir).bytes;
    // One image; 800 × 450 is more than an ICO entry holds, so both sides are written 0; the PNG follows whole.
    expect([ico.readUInt16LE(2), ico.readUInt16LE(4), ico[6], ico[7]]).toEqual([1, 1, 0, 0]);
    expect(ico.readUInt32LE(14)).toBe(BARS.length);
    expect(ico.subarray(ico.readUInt32LE(18))).toEqual(BARS);
    const own = Buffer.from([0, 0, 1, 0, 0, 0]);
    fs.writeFileSync(path.join(dir, "favicon.ico"), own);
    expect(favicon(dir)).toEqual({ bytes: own, type: "image/x-icon" });
  });

  it("gives other sites (a fediverse avatar) a PNG: the author's, else the mark's, never an SVG", () => {
    const dir = folder();
    expect(siteAvatar(dir)).toEqual({ url: "/icons/marginalia.png", type: "image/png" });
    expect(fs.readFileSync("public/icons/marginalia.png").subarray(1, 4).toString()).toBe("PNG");
    fs.writeFileSync(path.join(dir, "icon.svg"), SVG);
    expect(siteAvatar(dir).url).toBe("/icons/marginalia.png");
    fs.writeFileSync(path.join(dir, "icon.png"), BARS);
    fs.rmSync(path.join(dir, "icon.svg"));
    expect(siteAvatar(dir)).toMatchObject({ type: "image/png", url: expect.stringContaining("/icon.png") });
  });

  it("ignores an icon.png that is not a PNG rather than serving it", () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, "icon.png"), "<html>not a picture</html>");
    expect(siteIcon(dir).custom).toBe(false);
    expect(favicon(dir).type).toBe("image/x-icon");
  });

  it("writes small sides into the ICO entry", () => {
    const png = Buffer.from(BARS);
    png.writeUInt32BE(32, 16);
    png.writeUInt32BE(48, 20);
    expect([...pngIco(png).subarray(6, 8)]).toEqual([32, 48]);
  });
});
