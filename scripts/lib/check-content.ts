// `npm run check:content` as a function: the report it prints and the exit code, so that the tests
// check every case in-process and start the command itself once (tests/unit/content-check.test.ts).
import path from "node:path";
import { CONTENT_DIR, checkContent } from "@/lib/content/articles";
import { formatProblem } from "@/lib/content/problems";

export type ContentReport = { code: 0 | 1; stdout: string; stderr: string };

/** Every problem of `dir` (content/ when none), one a line on stderr, then a summary; code 1 if any is not a draft's warning. */
export function contentReport(dir: string = CONTENT_DIR): ContentReport {
  const found = checkContent(dir);
  const lines = found.map(formatProblem);
  const where = path.relative(process.cwd(), dir) || ".";
  const problems = found.filter((problem) => !problem.warning);
  const warnings = found.length - problems.length;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  const andWarnings = warnings > 0 ? `; ${plural(warnings, "warning")} in drafts, to fix before publishing` : "";
  if (problems.length > 0) {
    const files = new Set(problems.map((problem) => problem.file)).size;
    lines.push(`${where}: ${plural(problems.length, "problem")} in ${plural(files, "file")}${andWarnings}`);
    return { code: 1, stdout: "", stderr: lines.map((line) => `${line}\n`).join("") };
  }
  return {
    code: 0,
    stdout: `${where}: no problems${andWarnings}\n`,
    stderr: lines.map((line) => `${line}\n`).join(""),
  };
}
