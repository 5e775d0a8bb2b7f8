import path from "node:path";
import { filesWithProblems } from "@/lib/content/articles";
import { formatProblem } from "@/lib/content/problems";

/**
 * The files in content/ that this server could not publish as they are (content/ is read while
 * the site runs: lib/content/live-content.ts), each with its problems and what readers see
 * meanwhile. Nothing when every file is published.
 */
export function ContentPanel() {
  const files = filesWithProblems();
  if (files.length === 0) return null;
  return (
    <section className="admin-tools" aria-labelledby="content-heading">
      <h2 id="content-heading">Content</h2>
      <p className="form-message error">
        {files.length === 1
          ? "1 file in content/ cannot be published as it is: fix it"
          : `${files.length} files in content/ cannot be published as they are: fix them`}
        , and the change is live within seconds.
      </p>
      <ul className="admin-list content-problems">
        {files.map(({ file, problems, kept }) => (
          <li key={file}>
            <p className="comment-meta">
              <code>{path.relative(process.cwd(), file) || file}</code> ·{" "}
              {kept ? "its last good version stays up" : "not published"}
            </p>
            <ul>
              {problems.map((problem) => (
                <li key={`${problem.line} ${problem.field ?? ""} ${problem.message}`}>{formatProblem(problem)}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
