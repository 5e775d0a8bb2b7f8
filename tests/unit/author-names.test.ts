import { describe, expect, it } from "vitest";
import { impersonatesAuthor, nameSkeleton } from "@/lib/comments/author-names";
import { avatarDataUri } from "@/lib/comments/avatar";

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
  it("are SVG made here, the same for the same name and browser, different for another browser", () => {
    const a = avatarDataUri("Ada", "browser-1");
    expect(a).toMatch(/^data:image\/svg\+xml;utf8,%3Csvg/);
    expect(avatarDataUri("Ada", "browser-1")).toBe(a);
    expect(avatarDataUri("Ada", "browser-2")).not.toBe(a);
    expect(decodeURIComponent(a)).not.toContain("browser-1");
  });

  it("give the author one avatar whatever the browser", () => {
    expect(avatarDataUri("x", "b1", true)).toBe(avatarDataUri("y", "b2", true));
  });
});
