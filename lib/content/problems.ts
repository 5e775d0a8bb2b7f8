import path from "node:path";
import { isDevelopment } from "../settings";

// What is wrong in a content file, as `npm run check:content`, the build and the article page in
// `npm run dev` report it: the file, its line, the front matter field and what to do.

/** Something in a content file that stops it being published, or (a warning) an unfinished draft's. */
export type ContentProblem = {
  file: string;
  line: number;
  /** The front matter field at fault; absent for problems in the body. */
  field?: string;
  message: string;
  /**
   * Set on what is fine in a draft and a failure once published (the template's TODO, the body):
   * `check:content` prints it and still passes, so a fresh `npm run new` does not fail `npm test`.
   */
  warning?: true;
};

/** The problem's file as the author finds it: from the project's folder (`content/x.md`). */
export const problemFile = (problem: ContentProblem) => path.relative(process.cwd(), problem.file) || problem.file;

/** `content/x.md:3: field "date": must be a date written YYYY-MM-DD`, as editors link it. */
export function formatProblem(problem: ContentProblem): string {
  const where = `${problemFile(problem)}:${problem.line}`;
  const what = problem.field ? `field "${problem.field}": ${problem.message}` : problem.message;
  return `${where}: ${problem.warning ? "warning: " : ""}${what}`;
}

/** Content that cannot be published; the message lists every problem, one per line. */
export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ContentError";
  }
}

/**
 * While writing (`npm run dev`), the problems an article's page shows in its place; null anywhere
 * else, where the error stands: production never shows a file's paths or what is wrong in it.
 */
export function problemsToShow(error: unknown): ContentProblem[] | null {
  return error instanceof ContentError && isDevelopment() ? error.problems : null;
}
