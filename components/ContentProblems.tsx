import { problemFile, type ContentProblem } from "@/lib/content/problems";

/**
 * `npm run dev` only: what is wrong in an article's file, shown on its page in place of the
 * article, with the file, line and field as `npm run check:content` prints them. Saving the file
 * refreshes the page (ContentRefresh). React escapes every part, so a title like `<script>` is text.
 */
export function ContentProblems({ problems }: { problems: ContentProblem[] }) {
  return (
    <section className="content-problems" aria-labelledby="content-problems-title">
      <h1 id="content-problems-title">This article has problems</h1>
      <p>
        Fix them in the file and save it: this page refreshes. Only <code>npm run dev</code> shows this page; in
        production a file with problems is never published.
      </p>
      <ul>
        {problems.map((problem, index) => (
          <li key={index}>
            <code>
              {problemFile(problem)}:{problem.line}
            </code>
            {problem.field && (
              <>
                {" "}
                field <code>{problem.field}</code>
              </>
            )}
            : {problem.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
