// A comment sent sooner after the form appeared than COMMENT_MIN_FILL_SECONDS is what bots do, and
// what a reader typing "+1" does too: it is kept, held for the author's approval, and its reader is
// told so, with JavaScript and without. The server's fill time is an hour, so every post here is
// quick whatever the machine's speed.
import { expect, quickIf, test } from "./support/test";
import { commentForm, readerPage, sendComment, unique } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer, type RunningServer } from "./support/servers";
import { articlePath } from "@/lib/routes";

const ARTICLE = articlePath("monolith-vs-microservices");
let server: RunningServer;

test.beforeAll(async () => {
  test.setTimeout(SERVER_SETUP_MS);
  server = await startServer(E2E_PORT + 10, e2eEnv(freshSqlite("e2e-quick"), { COMMENT_MIN_FILL_SECONDS: "3600" }));
});
test.afterAll(() => server?.stop());

for (const javaScriptEnabled of [true, false]) {
  const js = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`a quick comment is kept for approval and its reader is told so, ${js}${quickIf(!javaScriptEnabled)}`, async ({
    browser,
  }) => {
    const reader = await readerPage(browser, { baseURL: server.url, javaScriptEnabled });
    await reader.goto(ARTICLE);
    const text = unique("+1, same here");
    await sendComment(commentForm(reader), "Quick Reader", text);
    await expect(commentForm(reader).getByRole("status")).toHaveText("Thanks! Your comment is awaiting moderation.");
    await expect(reader.locator("li.comment").filter({ hasText: text })).toContainText("Awaiting moderation");

    // Nobody else sees it before the author approves it.
    const other = await readerPage(browser, { baseURL: server.url, javaScriptEnabled });
    await other.goto(ARTICLE);
    await expect(other.locator(".comment-body", { hasText: text })).toHaveCount(0);
  });

  test(`a blank comment sent at once is told what is missing, not thanked, ${js}`, async ({ browser }) => {
    const reader = await readerPage(browser, { baseURL: server.url, javaScriptEnabled });
    await reader.goto(ARTICLE);
    // Spaces pass the browser's own check of a required field; the server's says what is wrong.
    await sendComment(commentForm(reader), "Quick Reader", "   ");
    await expect(commentForm(reader).locator(".field-error")).toHaveText("Please write a comment.");
    await expect(commentForm(reader).getByLabel("Name")).toHaveValue("Quick Reader");
    await expect(commentForm(reader).getByRole("status")).not.toContainText("Thanks!");
  });
}
