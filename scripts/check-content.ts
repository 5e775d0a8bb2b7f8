// npm run check:content: every problem in every content file, one per line as
// `content/x.md:LINE: field "date": message`; exits 1 if there is any. A draft's unfinished parts
// (the TODO description `npm run new` writes, its body) are printed as warnings and pass.
import path from "node:path";
import { CONTENT_DIR, checkContent } from "@/lib/content/articles";
import { formatProblem } from "@/lib/content/problems";

const dir = process.argv[2] ? path.resolve(process.argv[2]) : CONTENT_DIR;
const found = checkContent(dir);
for (const problem of found) console.error(formatProblem(problem));
const where = path.relative(process.cwd(), dir) || ".";
const problems = found.filter((problem) => !problem.warning);
const warnings = found.length - problems.length;
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
const andWarnings = warnings > 0 ? `; ${plural(warnings, "warning")} in drafts, to fix before publishing` : "";
if (problems.length > 0) {
  const files = new Set(problems.map((problem) => problem.file)).size;
  console.error(`${where}: ${plural(problems.length, "problem")} in ${plural(files, "file")}${andWarnings}`);
  process.exit(1);
}
console.log(`${where}: no problems${andWarnings}`);
