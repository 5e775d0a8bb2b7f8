import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ContentProblems } from "@/components/ContentProblems";
import { checkContent, getArticle, listArticles } from "@/lib/content/articles";
import { problemsToShow } from "@/lib/content/problems";
import { contentEventStream, contentFingerprint, watchContent } from "@/lib/content/content-watch";
import { createArticle } from "@/lib/content/new-article";
import { isPreviewToken } from "@/lib/server/preview";

const temporary: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-"));
  temporary.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temporary.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run new", () => {
  it("writes <slug>.md with front matter that passes the checks, as a draft", () => {
    const dir = tempDir();
    const file = createArticle('Quotes "and": colons # too', { dir, today: "2026-11-26" });
    expect(path.basename(file)).toBe("quotes-and-colons-too.md");
    // Only the TODO description is flagged, and as a warning: a fresh draft passes `npm test`.
    expect(checkContent(dir)).toEqual([
      expect.objectContaining({
        line: 3,
        field: "description",
        message: expect.stringContaining("TODO"),
        warning: true,
      }),
    ]);
    expect(listArticles({ dir, includeDrafts: false })).toEqual([]);
    expect(listArticles({ dir, includeDrafts: true })[0]).toMatchObject({
      title: 'Quotes "and": colons # too',
      date: "2026-11-26",
      draft: true,
      author: "Ahmad Waqar",
    });
  });

  it("fails a published article on what a draft may leave unfinished", () => {
    const dir = tempDir();
    const file = createArticle("Almost done", { dir, today: "2026-11-26" });
    const draft = fs.readFileSync(file, "utf8").replace("Start writing here.", "![A diagram](./not-drawn-yet.png)");
    fs.writeFileSync(file, draft);
    const found = () =>
      checkContent(dir).map((problem) => [problem.line, problem.field ?? null, problem.warning ?? false]);
    expect(found()).toEqual([
      [3, "description", true],
      [10, null, true],
    ]);
    fs.writeFileSync(file, draft.replace(/^draft: true.*\n/m, ""));
    expect(found()).toEqual([
      [3, "description", false],
      [9, null, false],
    ]);
  });

  it("never overwrites an article, and needs a title it can name a file after", () => {
    const dir = tempDir();
    createArticle("Same title", { dir });
    expect(() => createArticle("Same  Title!", { dir })).toThrow(/same-title\.md already exists/);
    expect(() => createArticle("!!!", { dir })).toThrow(/needs at least one letter or digit/);
  });
});

describe("refreshing the page in next dev", () => {
  it("reports one change per burst of writes, with the file's name", async () => {
    const dir = tempDir();
    const changes: string[] = [];
    const stop = watchContent(dir, (file) => changes.push(file), 50);
    try {
      fs.writeFileSync(path.join(dir, "draft.md"), "one");
      fs.writeFileSync(path.join(dir, "draft.md"), "two");
      // A bound on a hang, not a measure: the watcher's event comes when the machine gets to it.
      await expect.poll(() => changes, { timeout: 20_000 }).toEqual(["draft.md"]);
    } finally {
      stop();
    }
  });

  it("streams a server-sent `change` event, and stops watching when the request ends", async () => {
    const dir = tempDir();
    const abort = new AbortController();
    const reader = contentEventStream(dir, abort.signal).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe(": watching content\n\n");
    fs.writeFileSync(path.join(dir, "post.md"), "edited");
    expect(decoder.decode((await reader.read()).value)).toBe('event: change\ndata: {"file":"post.md"}\n\n');
    abort.abort();
    expect((await reader.read()).done).toBe(true);
  });

  it("tells a page rendered before a change of it as soon as its stream connects", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "post.md"), "first");
    const rendered = contentFingerprint(dir);
    const decoder = new TextDecoder();
    const read = async (since: string) => {
      const abort = new AbortController();
      const reader = contentEventStream(dir, abort.signal, since).getReader();
      const text = [decoder.decode((await reader.read()).value)];
      abort.abort();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text.push(decoder.decode(chunk.value));
      return text.join("");
    };
    expect(await read(rendered)).toBe(": watching content\n\n");
    fs.writeFileSync(path.join(dir, "post.md"), "saved while the page loaded");
    expect(contentFingerprint(dir)).not.toBe(rendered);
    expect(await read(rendered)).toBe(': watching content\n\nevent: change\ndata: {"file":""}\n\n');
  });
});

describe("preview tokens", () => {
  const secret = "a-long-enough-secret";

  it("accept only the configured token", () => {
    expect(isPreviewToken(secret, secret)).toBe(true);
    expect(isPreviewToken("a-long-enough-secreT", secret)).toBe(false);
    expect(isPreviewToken(undefined, secret)).toBe(false);
    expect(isPreviewToken([secret, secret], secret)).toBe(false);
  });

  it("are off without PREVIEW_TOKEN or with one too short to be secret", () => {
    expect(isPreviewToken("", "")).toBe(false);
    expect(isPreviewToken("anything", undefined)).toBe(false);
    expect(isPreviewToken("short", "short")).toBe(false);
  });
});

describe("checking a file reports all its problems in one pass", () => {
  it("lists front matter and body problems together", () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "both.md"),
      "---\ntitle: Both\ndescription: d\nauthor: A\nauthorBio: B\ndate: 2026-13-45\n---\n\n![](./missing.png)\n",
    );
    const problems = checkContent(dir);
    expect(problems.map((problem) => [problem.line, problem.field ?? null])).toEqual([
      [6, "date"],
      [9, null],
    ]);
  });
});

describe("a broken file while writing (npm run dev)", () => {
  it("fails only its own page, naming file, line and field; the others keep working", async () => {
    const dir = tempDir();
    createArticle("Good one", { dir, today: "2026-11-26" });
    fs.writeFileSync(
      path.join(dir, "broken.md"),
      "---\ntitle: Broken\ndescription: d\nauthor: A\nauthorBio: B\ndate: 2026-13-45\n---\n\nText.\n",
    );
    vi.stubEnv("NODE_ENV", "development");
    try {
      expect(listArticles({ dir, includeDrafts: true }).map((article) => article.slug)).toEqual(["good-one"]);
      await expect(getArticle("broken", { dir, includeDrafts: true })).rejects.toThrow(/broken\.md:6: field "date"/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("shows the file, line, field and message on the page, escaped; in development only", async () => {
    const dir = tempDir();
    const file = path.join(dir, "broken.md");
    fs.writeFileSync(
      file,
      "---\ntitle: Broken\ndescription: d\nauthor: A\ndate: 2026-13-45\n<script>x</script>: 1\n---\n",
    );
    vi.stubEnv("NODE_ENV", "development");
    const error = await getArticle("broken", { dir, includeDrafts: true }).catch((thrown: unknown) => thrown);
    const problems = problemsToShow(error);
    vi.unstubAllEnvs();
    expect(problems).not.toBeNull();
    const html = renderToStaticMarkup(createElement(ContentProblems, { problems: problems ?? [] }));
    const where = path.relative(process.cwd(), file);
    expect(html).toContain(`<code>${where}:5</code> field <code>date</code>: must be a date written YYYY-MM-DD`);
    expect(html).toContain(
      `<code>${where}:6</code> field <code>&lt;script&gt;x&lt;/script&gt;</code>: Unrecognized key: &quot;&lt;script&gt;x&lt;/script&gt;&quot;`,
    );
    expect(html).not.toContain("<script");
    // In the site's language, the checker's own messages as `npm run check:content` prints them.
    vi.stubEnv("SITE_LANGUAGE", "fr");
    const french = renderToStaticMarkup(createElement(ContentProblems, { problems: problems ?? [] }));
    vi.unstubAllEnvs();
    expect(french).toContain("Cet article a des problèmes");
    expect(french).toContain(
      `<code>${where}:5</code> champ <code>date</code>\u00a0: must be a date written YYYY-MM-DD`,
    );
    expect(french).not.toContain("This article");
    // Anywhere but `npm run dev` the error stands: no page shows a file's paths or problems.
    vi.stubEnv("NODE_ENV", "production");
    expect(problemsToShow(error)).toBeNull();
    vi.unstubAllEnvs();
    expect(problemsToShow(new Error("a bug"))).toBeNull();
  });
});
