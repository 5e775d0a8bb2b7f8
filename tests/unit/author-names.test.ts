import { describe, expect, it } from "vitest";
import { impersonatesAuthor, nameSkeleton } from "@/lib/comments/author-names";
import { avatarKey, avatarSvg } from "@/lib/comments/avatar";

const authors = ["Ahmad Waqar", "Grace Hopper"];

describe("author names", () => {
  it.each([
    "Ahmad Waqar",
    "ahmad waqar",
    "AHMAD   WAQAR",
    "AhmadWaqar",
    "Ahmad-Waqar!",
    "Áhmád Wáqar",
    "Аhmad Waqar", // Cyrillic А
    "Ahmad Waqаr", // Cyrillic а
    "Ahmad\u200bWaqar", // zero-width space
    "Ａｈｍａｄ Ｗａｑａｒ", // full-width
    "4hmad W4qar",
    "Grace Hopper",
    "Gr4ce H0pper",
    "Grace Hoppеr", // Cyrillic е
  ])("refuses %j, which reads as an author's name", (name) => {
    expect(impersonatesAuthor(name, authors)).toBe(true);
  });

  it.each(["Ahmad", "Waqar Ahmad", "Grace", "Ada Lovelace", "", "  "])("lets %j through", (name) => {
    expect(impersonatesAuthor(name, authors)).toBe(false);
  });

  it("folds look-alikes to one skeleton", () => {
    expect(nameSkeleton("Ａｈｍａｄ Ｗａｑａｒ")).toBe(nameSkeleton("ahmad waqar"));
  });
});

describe("avatars", () => {
  it("are keyed by name and browser: the same for both, different for another browser, carrying neither", () => {
    const a = avatarKey("Ada", "browser-1");
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(avatarKey("Ada", "browser-1")).toBe(a);
    expect(avatarKey("Ada", "browser-2")).not.toBe(a);
    expect(avatarKey("Ada ", "browser-1")).not.toBe(a);
    expect(avatarSvg(a)).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(avatarSvg(a)).not.toMatch(/Ada|browser/);
  });

  it("give the author one avatar whatever the browser", () => {
    expect(avatarKey("x", "b1", true)).toBe(avatarKey("y", "b2", true));
  });

  it("draw nothing for a key no comment has", () => {
    for (const key of ["", "short", "../../etc/passwd", "a".repeat(17), "<script>alert(1)</scr"]) {
      expect(avatarSvg(key)).toBeNull();
    }
  });
});
