import { expect, test, type Page } from "./support/test";
import { postComment, readerPage, unique } from "./support/comments";

// The author moderates on the article page, here without JavaScript (every button is a plain
// form); readers in browsers of their own (no cookies: the shared cached page) see the result.

const ARTICLE = "/articles/field-note-07";
const PASSWORD = "correct horse battery staple";

async function signIn(page: Page) {
  await page.goto("/admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

const commentOf = (page: Page, text: string) =>
  page
    .locator("li.comment")
    .filter({ has: page.locator(".comment-body", { hasText: text }) })
    .first();

test("the author pins, hides, deletes (after confirming) and locks from the page, without JavaScript", async ({
  browser,
}) => {
  test.setTimeout(150_000); // a dozen page loads and posts, without JavaScript
  const poster = await readerPage(browser);
  await poster.goto(ARTICLE);
  const first = unique("First comment");
  const second = unique("Second comment");
  const rude = unique("Rude comment");
  for (const [name, text] of [
    ["Ann", first],
    ["Bo", second],
    ["Cy", rude],
  ])
    await postComment(poster, name, text);

  const author = await readerPage(browser, { javaScriptEnabled: false });
  await signIn(author);
  await author.goto(ARTICLE);
  await commentOf(author, second).getByRole("button", { name: "Pin" }).click();
  await expect(commentOf(author, second)).toContainText("Pinned");
  await commentOf(author, rude).getByRole("button", { name: "Hide" }).click();
  await expect(commentOf(author, rude)).toContainText("Hidden: only you can see it.");

  const reader = await readerPage(browser);
  await reader.goto(ARTICLE);
  const bodies = reader.locator("li.comment > .comment-body");
  await expect(bodies.first()).toContainText(second); // pinned first in every sort
  await expect(reader.locator(".comment-body", { hasText: rude })).toHaveCount(0);
  await reader.goto(`${ARTICLE}?sort=newest`);
  await expect(bodies.first()).toContainText(second);
  // The buttons are the author's alone.
  await expect(reader.getByRole("button", { name: "Pin" })).toHaveCount(0);

  await commentOf(author, first).getByRole("link", { name: "Delete…" }).click();
  await expect(commentOf(author, first).getByRole("alert")).toHaveText("Delete this comment for good?");
  await commentOf(author, first).getByRole("button", { name: "Yes, delete" }).click();
  await expect(author.locator(".comment-body", { hasText: first })).toHaveCount(0);

  await author.getByRole("button", { name: "Lock the discussion" }).click();
  await expect(author.getByText("This discussion is closed")).toBeVisible();
  await reader.goto(ARTICLE);
  await expect(reader.locator(".comment-body", { hasText: first })).toHaveCount(0);
  await expect(reader.getByText("This discussion is closed: it takes no new comments or replies.")).toBeVisible();
  await expect(reader.locator("form.comment-form")).toHaveCount(0);
  await expect(reader.getByRole("link", { name: "Reply" })).toHaveCount(0);

  await author.getByRole("button", { name: "Reopen the discussion" }).click();
  await reader.goto(ARTICLE);
  await expect(reader.locator("form.comment-form")).toHaveCount(1);
});
