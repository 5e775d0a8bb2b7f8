// npm run new -- "My title": creates content/my-title.md with valid front matter, as a draft.
import path from "node:path";
import { CONTENT_DIR } from "@/lib/content/articles";
import { createArticle } from "@/lib/content/new-article";

const title = process.argv.slice(2).join(" ");
if (!title.trim()) {
  console.error('usage: npm run new -- "Title of the article"');
  process.exit(2);
}
try {
  const file = createArticle(title, { dir: CONTENT_DIR });
  console.log(
    `created ${path.relative(process.cwd(), file)}: a draft, shown by npm run dev only; write its description, then remove "draft: true" to publish it`,
  );
} catch (error) {
  console.error(`npm run new: ${(error as Error).message}`);
  process.exit(1);
}
