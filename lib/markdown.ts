import { remark } from "remark";
import remarkGfm from "remark-gfm";
import remarkHtml from "remark-html";

// Articles are written by the site's author, so their markdown may use anything GitHub-flavoured
// markdown offers (tables, task lists, strikethrough); remark-html still runs its sanitizer so a
// stray <script> in a content file never reaches a reader.
const processor = remark().use(remarkGfm).use(remarkHtml);

/** Turns an article's markdown body into HTML. */
export async function renderArticleMarkdown(markdown: string): Promise<string> {
  return String(await processor.process(markdown));
}
