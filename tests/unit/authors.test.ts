// Authors are described once, in authors.yml beside the articles: a byline no entry has is
// refused with the nearest name (a typo would make a second author page), and an article without
// an authorBio shows its author's. The fixtures are content-authors and content-unknown-author.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkContent, ContentError, listArticles } from "@/lib/content/articles";
import { editDistance, listAuthors, nearestName, readAuthors } from "@/lib/content/authors";
import { formatProblem } from "@/lib/content/problems";
import { site } from "@/lib/site";

const fixtures = (name: string) => path.join(import.meta.dirname, "../fixtures", name);
const relative = (name: string) => path.relative(process.cwd(), fixtures(name));

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
/** A content folder holding these files. */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-authors-"));
  temporary.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
const article = (author: string, extra = "") =>
  `---\ntitle: T\ndescription: D\nauthor: ${author}\n${extra}date: 2026-01-01\n---\n\nBody.\n`;

describe("an article's author", () => {
  it("is refused when no entry has the name, with the nearest one when it looks like a typo", () => {
    const dir = relative("content-unknown-author");
    expect(checkContent(fixtures("content-unknown-author")).map(formatProblem)).toEqual([
      `${dir}/stranger.md:4: field "author": unknown author 'Linus Torvalds': describe them in authors.yml beside the articles (a name and a bio)`,
      `${dir}/typo.md:4: field "author": unknown author 'Ahmed Waqar' (did you mean 'Ahmad Waqar'?)`,
    ]);
  });

  it("stops the build, naming the file, the line and the field", () => {
    const read = () => listArticles({ dir: fixtures("content-unknown-author"), includeDrafts: true });
    expect(read).toThrow(ContentError);
    expect(read).toThrow(/typo\.md:4: field "author": unknown author 'Ahmed Waqar' \(did you mean 'Ahmad Waqar'\?\)/);
  });

  it("takes its bio from the author's entry when the article gives none; an article's own wins", () => {
    const articles = listArticles({ dir: fixtures("content-authors"), includeDrafts: true });
    const bioOf = (author: string) => articles.find((a) => a.author === author)?.authorBio;
    expect(bioOf("Ada Lovelace")).toBe("Wrote the first program, for an engine not yet built.");
    expect(bioOf("Grace Hopper")).toBe("Found the first bug, a moth.");
    // The site's own author needs no entry: lib/site.ts describes them.
    expect(bioOf("Ahmad Waqar")).toBe(site.author.bio);
    expect(listAuthors(articles).map((author) => [author.slug, author.bio])).toEqual([
      ["ada-lovelace", "Wrote the first program, for an engine not yet built."],
      ["grace-hopper", "Found the first bug, a moth."],
      ["ahmad-waqar", site.author.bio],
    ]);
  });

  it("differing only in case is another name, and refused as one", () => {
    const dir = folder({ "lower.md": article("ahmad waqar") });
    expect(checkContent(dir)).toEqual([
      expect.objectContaining({
        line: 4,
        field: "author",
        message: "unknown author 'ahmad waqar' (did you mean 'Ahmad Waqar'?)",
      }),
    ]);
  });

  it("needs a bio from somewhere: an entry whose file is broken gives none", () => {
    const dir = folder({ "authors.yml": "- name: Ada Lovelace\n", "by-ada.md": article("Ada Lovelace") });
    expect(checkContent(dir).map((problem) => [problem.line, problem.field ?? null, problem.message])).toEqual([
      [1, null, 'author 1: "bio": Invalid input: expected string, received undefined'],
      [1, "authorBio", "is required: authors.yml has no bio for 'Ada Lovelace'"],
    ]);
  });
});

describe("authors.yml", () => {
  it("reports a malformed file at its line, and a name given twice", () => {
    expect(readAuthors(folder({ "authors.yml": "- name: Ada\n  bio: [unclosed\n" })).problems).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringMatching(/^not valid YAML: /) }),
    ]);
    const twice = folder({
      "authors.yml": "- name: Ada Lovelace\n  bio: One.\n- name: ada  lovelace\n  bio: Two.\n",
    });
    expect(readAuthors(twice).problems).toEqual([
      {
        file: path.join(twice, "authors.yml"),
        line: 3,
        message: '"ada  lovelace" is "Ada Lovelace" again (one author page)',
      },
    ]);
    const extra = readAuthors(folder({ "authors.yml": "- name: Ada\n  bio: B.\n  twitter: ada\n" }));
    expect(extra.problems.map((problem) => problem.message)).toEqual([
      'author 1: "twitter": Unrecognized key: "twitter"',
    ]);
  });

  it("gives an author a photo beside it (at an address that changes with its bytes) and a link, on their articles too", () => {
    const dir = folder({
      "authors.yml": "- name: Ada Lovelace\n  bio: B.\n  photo: ada.svg\n  link: https://ada.example/\n",
      "ada.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>',
      "by-ada.md": article("Ada Lovelace"),
    });
    const [ada] = readAuthors(dir).entries;
    expect(ada.photo).toMatch(/^\/media\/~[0-9a-f]{12}\/ada\.svg$/);
    expect(ada.link).toBe("https://ada.example/");
    const [written] = listArticles({ dir, includeDrafts: true });
    expect([written.authorPhoto, written.authorLink]).toEqual([ada.photo, ada.link]);
    expect(listAuthors([written])[0]).toMatchObject({ photo: ada.photo, link: ada.link });
  });

  it("reports a photo that is not there and a link that is not a web address", () => {
    const gone = readAuthors(folder({ "authors.yml": "- name: Ada\n  bio: B.\n  photo: gone.png\n" }));
    expect(gone.problems.map((problem) => [problem.line, problem.message])).toEqual([
      [1, expect.stringMatching(/^author 1: "photo": not found \(looked for .*gone\.png\)$/)],
    ]);
    expect(gone.entries[0].photo).toBeUndefined();
    const script = readAuthors(folder({ "authors.yml": "- name: Grace\n  bio: B.\n  link: javascript:alert(1)\n" }));
    expect(script.problems.map((problem) => problem.message)).toEqual(['author 1: "link": must be an http(s) address']);
  });

  it("knows the site's own author when it has no entry, and lets an entry describe them", () => {
    expect(readAuthors(folder({})).entries).toEqual([site.author]);
    const own = folder({ "authors.yml": `- name: ${site.author.name}\n  bio: Another bio.\n` });
    expect(readAuthors(own).entries).toEqual([{ name: site.author.name, bio: "Another bio." }]);
  });
});

describe("the nearest name", () => {
  it("counts the letters to insert, delete or change", () => {
    expect(editDistance("Ahmed Waqar", "Ahmad Waqar")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("is offered only when it is near enough to be the one meant", () => {
    const names = ["Ahmad Waqar", "Ada Lovelace"];
    expect(nearestName("Ahmed Waqar", names)).toBe("Ahmad Waqar");
    expect(nearestName("Ada Lovelac", names)).toBe("Ada Lovelace");
    expect(nearestName("AHMAD WAQAR", names)).toBe("Ahmad Waqar");
    expect(nearestName("Linus Torvalds", names)).toBeNull();
    expect(nearestName("Bo", names)).toBeNull();
  });
});
