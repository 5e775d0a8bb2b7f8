import path from "node:path";

/** Something in a content file that stops it being published. */
export type ContentProblem = {
  file: string;
  line: number;
  /** The front matter field at fault; absent for problems in the body. */
  field?: string;
  message: string;
};

/** `content/x.md:3: field "date": must be a date written YYYY-MM-DD`, as editors link it. */
export function formatProblem(problem: ContentProblem): string {
  const where = `${path.relative(process.cwd(), problem.file) || problem.file}:${problem.line}`;
  return problem.field ? `${where}: field "${problem.field}": ${problem.message}` : `${where}: ${problem.message}`;
}

/** Content that cannot be published; the message lists every problem, one per line. */
export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ContentError";
  }
}
