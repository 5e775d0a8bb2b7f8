import { siteLanguage } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";
import { problemFile, type ContentProblem } from "@/lib/content/problems";

/**
 * `npm run dev` only: what is wrong in an article's file, shown on its page in place of the
 * article, with the file, line and field as `npm run check:content` prints them. Saving the file
 * refreshes the page (ContentRefresh). React escapes every part, so a title like `<script>` is text.
 * The page's words are the site's language; each problem's own message is the checker's, English,
 * as `npm run check:content` prints it (one code path for both).
 */
export function ContentProblems({ problems }: { problems: ContentProblem[] }) {
  const { t } = siteLanguage();
  return (
    <section className="content-problems" aria-labelledby="content-problems-title">
      <h1 id="content-problems-title">{t("problems.title")}</h1>
      <p>{rich(t, "problems.intro", { command: <code>npm run dev</code> })}</p>
      <ul>
        {problems.map((problem, index) => {
          const place = (
            <code>
              {problemFile(problem)}:{problem.line}
            </code>
          );
          return (
            <li key={index}>
              {problem.field
                ? rich(
                    t,
                    "problems.itemField",
                    { place, field: <code>{problem.field}</code> },
                    { message: problem.message },
                  )
                : rich(t, "problems.item", { place }, { message: problem.message })}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
