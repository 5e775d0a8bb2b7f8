import { describe, expect, it } from "vitest";
import { asksForDocument, htmlDigest, slotProps, takeSlot } from "@/lib/server/html-slots";

describe("markup that travels once", () => {
  it("keeps a document's markup for its server render, once, and puts only a key in the payload", () => {
    const html = "<p>Hello <em>there</em></p>";
    const props = slotProps(html, true);
    expect(props.html).toBeUndefined();
    expect(props.slot).toBeTruthy();
    expect(slotProps(html, true).slot).not.toBe(props.slot);
    expect(takeSlot(props.slot!)).toBe(html);
    // Taken by the render that wrote it: nothing is left behind for another.
    expect(takeSlot(props.slot!)).toBeUndefined();
  });

  it("carries the markup itself in an answer that is flight data only", () => {
    const props = slotProps("<p>x</p>", false);
    expect(props).toEqual({ digest: htmlDigest("<p>x</p>"), html: "<p>x</p>" });
  });

  it("tells the router's requests and server actions from documents", () => {
    expect(asksForDocument(new Headers({ accept: "text/html" }))).toBe(true);
    for (const name of ["rsc", "next-router-state-tree", "next-router-prefetch", "next-action"]) {
      expect(asksForDocument(new Headers({ [name]: "1" }))).toBe(false);
    }
  });

  it("digests tell versions of an element's markup apart", () => {
    expect(htmlDigest("<p>1 hour ago</p>")).toBe(htmlDigest("<p>1 hour ago</p>"));
    expect(htmlDigest("<p>1 hour ago</p>")).not.toBe(htmlDigest("<p>2 hours ago</p>"));
    expect(htmlDigest("ab")).not.toBe(htmlDigest("ba"));
  });
});
