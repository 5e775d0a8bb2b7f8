import path from "node:path";
import { filesWithProblems } from "@/lib/content/articles";
import { formatProblem } from "@/lib/content/problems";
import { t } from "@/lib/i18n";

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
      <h2 id="content-heading">{t("admin.content.heading")}</h2>
      <p className="form-message error">{t("admin.content.problems", { count: files.length })}</p>
      <ul className="admin-list content-problems">
        {files.map(({ file, problems, kept }) => (
          <li key={file}>
            <p className="comment-meta">
              <code>{path.relative(process.cwd(), file) || file}</code> ·{" "}
              {t(kept ? "admin.content.kept" : "admin.content.notPublished")}
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
