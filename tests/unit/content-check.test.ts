import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { checkContent } from "@/lib/content/articles";
import { createArticle } from "@/lib/content/new-article";
import { formatProblem } from "@/lib/content/problems";
import { contentReport } from "@/scripts/lib/check-content";

// Checking renders every article (math and diagrams included) and the command starts two
// processes: on a machine with both cores busy that takes far more than vitest's 30 s default.
const CHECK_TIMEOUT_MS = 180_000;

const fixtures = (name: string) => path.join(import.meta.dirname, "../fixtures", name);
const relative = (dir: string) => path.relative(process.cwd(), fixtures(dir));

it("finds every problem in every file, each with its file, line and field", { timeout: CHECK_TIMEOUT_MS }, () => {
  const dir = relative("content-broken");
  expect(checkContent(fixtures("content-broken")).map(formatProblem)).toEqual([
    `${dir}/Not_A_Slug.md:1: file name must be a slug: lower-case letters, digits and dashes`,
    `${dir}/bad-fields.md:1: field "description": is required`,
    `${dir}/bad-fields.md:5: field "date": must be a date written YYYY-MM-DD`,
    `${dir}/bad-fields.md:7: field "tags": lists the same tag twice`,
    `${dir}/bad-fields.md:8: field "drafft": Unrecognized key: "drafft"`,
    `${dir}/bad-images.md:11: image "./missing.png": not found (looked for ${dir}/missing.png)`,
    `${dir}/bad-images.md:13: image "https://example.com/remote.png": must be a file in content/ or public/, so its size is known when the site is built`,
    `${dir}/bad-images.md:15: image "./bars.png": needs alt text that describes it: ![description](./bars.png)`,
    `${dir}/bad-yaml.md:4: front matter is not valid YAML: missed comma between flow collection entries`,
  ]);
});

it(
  "reports a formula KaTeX cannot read at its line in the file, with KaTeX's reason",
  { timeout: CHECK_TIMEOUT_MS },
  () => {
    const dir = relative("content-bad-math");
    // Lines count from the file's first: front matter included. A block's line is the one KaTeX stopped at.
    expect(checkContent(fixtures("content-bad-math")).map(formatProblem)).toEqual([
      `${dir}/bad-math.md:16: formula "\\frac{1}{" cannot be drawn: Unexpected end of input in a macro argument, expected '}'`,
      `${dir}/bad-math.md:19: formula "\\foo{x}" cannot be drawn: Undefined control sequence: \\foo`,
      `${dir}/bad-math.md:23: formula "a + b + \\badcommand{c}" cannot be drawn: Undefined control sequence: \\badcommand`,
      `${dir}/bad-math.md:30: formula "x + \\undefinedmacro" cannot be drawn: Undefined control sequence: \\undefinedmacro`,
    ]);
  },
);

it(
  "finds nothing wrong with good content, the real content/ included",
  () => {
    expect(checkContent(fixtures("content-ok"))).toEqual([]);
    expect(checkContent(fixtures("content-e2e"))).toEqual([]);
    expect(checkContent(fixtures("content-authors"))).toEqual([]);
    expect(checkContent()).toEqual([]);
  },
  CHECK_TIMEOUT_MS,
);

it(
  "`npm run check:content` prints the problems and exits 1, or says all is well, a draft's warnings aside",
  () => {
    // The command's report, in-process; the command itself is started once, below.
    const run = (dir?: string) => {
      const report = contentReport(dir ? path.resolve(dir) : undefined);
      return { code: report.code, output: report.code === 0 ? report.stdout : report.stderr, stderr: report.stderr };
    };
    const broken = run(relative("content-broken"));
    expect(broken.code).toBe(1);
    expect(broken.output).toContain(
      `${relative("content-broken")}/bad-fields.md:5: field "date": must be a date written YYYY-MM-DD\n`,
    );
    expect(broken.output).toContain("9 problems in 4 files");
    const typo = run(relative("content-unknown-author"));
    expect(typo.code).toBe(1);
    expect(typo.output).toContain(
      `${relative("content-unknown-author")}/typo.md:4: field "author": unknown author 'Ahmed Waqar' (did you mean 'Ahmad Waqar'?)\n`,
    );
    expect(run()).toEqual({ code: 0, output: "content: no problems\n", stderr: "" });
    // A fresh `npm run new` draft is unfinished, which a draft may be: it warns, and passes.
    const drafts = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-drafts-"));
    try {
      createArticle("Not yet", { dir: drafts, today: "2026-11-26" });
      const where = path.relative(process.cwd(), drafts);
      expect(run(drafts)).toEqual({
        code: 0,
        output: `${where}: no problems; 1 warning in drafts, to fix before publishing\n`,
        stderr: `${where}/not-yet.md:3: warning: field "description": still says TODO: write one or two sentences about the article\n`,
      });
      // Published as it stands, it fails.
      const file = path.join(drafts, "not-yet.md");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^draft: true.*\n/m, ""));
      expect(run(drafts)).toMatchObject({ code: 1, output: expect.stringContaining("1 problem in 1 file\n") });
    } finally {
      fs.rmSync(drafts, { recursive: true, force: true });
    }
  },
  CHECK_TIMEOUT_MS,
);

it(
  "the command prints that report and exits with its code",
  () => {
    // One start of the real command (npm test runs it on content/ too, and it passes there).
    const dir = relative("content-broken");
    const result = spawnSync("npx", ["tsx", "scripts/check-content.ts", dir], { encoding: "utf8" });
    const report = contentReport(path.resolve(dir));
    expect({ code: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual(report);
    expect(result.status).toBe(1);
  },
  CHECK_TIMEOUT_MS,
);
