import { describe, expect, it } from "vitest";
import { impersonatesAuthor, nameSkeleton } from "@/lib/comments/author-names";
import { AVATAR_TONES, avatarOf, avatarTone, initialsOf } from "@/lib/comments/avatar";

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
  it("show up to two initials, whole characters, whatever the name is made of", () => {
    expect(initialsOf("Ana Lima")).toBe("AL");
    expect(initialsOf("ada")).toBe("A");
    expect(initialsOf("Grace Brewster Murray Hopper")).toBe("GH");
    expect(initialsOf("  @bob  ")).toBe("B");
    expect(initialsOf("Zoë Okafor")).toBe("ZO");
    // A letter and its combining accent stay together.
    expect(initialsOf("e\u0301mile")).toBe("E\u0301");
    expect(initialsOf("李小龍")).toBe("李");
    expect(initialsOf("🦊")).toBe("🦊");
    expect(initialsOf("👩‍💻 Dev")).toBe("D");
    expect(initialsOf("   ")).toBe("?");
  });

  it("take a tone from the name and the browser: the same for both, one of the palette's", () => {
    const tone = avatarTone("Ada", "browser-1");
    expect(tone).toBeGreaterThanOrEqual(0);
    expect(tone).toBeLessThan(AVATAR_TONES);
    expect(avatarTone("Ada", "browser-1")).toBe(tone);
    // Two people who pick the same name mostly differ: across browsers, more than one tone.
    const tones = new Set(Array.from({ length: 32 }, (_, i) => avatarTone("Ada", `browser-${i}`)));
    expect(tones.size).toBeGreaterThan(1);
    expect(avatarOf("Ana Lima", "b")).toEqual({ initials: "AL", tone: avatarTone("Ana Lima", "b") });
  });

  it("give the author one tone whatever the browser", () => {
    expect(avatarTone("x", "b1", true)).toBe(avatarTone("y", "b2", true));
  });
});
