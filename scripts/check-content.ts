// npm run check:content: every problem in every content file, one per line as
// `content/x.md:LINE: field "date": message`; exits 1 if there is any.
import path from "node:path";
import { CONTENT_DIR, checkContent } from "@/lib/content/articles";
import { formatProblem } from "@/lib/content/problems";

const dir = process.argv[2] ? path.resolve(process.argv[2]) : CONTENT_DIR;
const problems = checkContent(dir);
for (const problem of problems) console.error(formatProblem(problem));
const where = path.relative(process.cwd(), dir) || ".";
if (problems.length > 0) {
  const files = new Set(problems.map((problem) => problem.file)).size;
  console.error(
    `${where}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}`,
  );
  process.exit(1);
}
console.log(`${where}: no problems`);
