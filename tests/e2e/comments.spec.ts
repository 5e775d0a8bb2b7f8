import { randomUUID } from "node:crypto";
import { expect, QUICK, test, type Page } from "./support/test";
import { sign } from "@/lib/server/signing";
import { commentForm, postComment, readerPage, sendComment, unique } from "./support/comments";
import { e2eEnv } from "./support/servers";

const ARTICLE = "/articles/monolith-vs-microservices";

const commentWith = (page: Page, text: string) =>
  page
    .locator("li.comment")
    .filter({ has: page.locator(".comment-body", { hasText: text }) })
    .first();

// A form left open for more than a day: its token (lib/comments/spam.ts), signed as the e2e server signs, is a day and a minute old.
process.env.COOKIE_SECRET = e2eEnv("").COOKIE_SECRET;
const expiredToken = () => sign(`${Date.now() - 24 * 60 * 60_000 - 60_000}.${randomUUID()}`);

test(`a reply appears nested under the comment it answers${QUICK}`, async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const opening = unique("Opening");
  await postComment(page, "Ada", opening);
  const parent = commentWith(page, opening);
  await parent.getByRole("link", { name: "Reply" }).click();

  const replyForm = parent.locator("form.comment-form");
  await expect(replyForm.getByRole("heading", { name: "Reply to Ada" })).toBeVisible();
  const answer = unique("Answer");
  await postComment(page, "Grace", answer, replyForm);

  const reply = parent.locator(".comment-replies > li.comment").filter({ hasText: answer });
  await expect(reply).toContainText("Grace");
  await page.reload();
  await expect(commentWith(page, opening).locator(".comment-replies")).toContainText(answer);
});

test("a reply works without JavaScript too", async ({ browser }) => {
  const page = await readerPage(browser, { javaScriptEnabled: false });
  await page.goto(ARTICLE);
  const opening = unique("No-JS opening");
  await postComment(page, "Ada", opening);
  await commentWith(page, opening).getByRole("link", { name: "Reply" }).click();
  const answer = unique("No-JS answer");
  await sendComment(commentWith(page, opening).locator("form.comment-form"), "Grace", answer);
  // The answer is a redirect to the reply, and the page's own form says it is posted.
  await expect(commentForm(page).getByRole("status")).toContainText("Thanks! Your comment is posted.");
  await expect(commentWith(page, opening).locator(".comment-replies")).toContainText(answer);
});

test(`the author edits and deletes their comment; another browser cannot${QUICK}`, async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const original = unique("Frist post");
  await postComment(page, "Ada", original);

  const stranger = await readerPage(browser);
  await stranger.goto(ARTICLE);
  const seenByStranger = commentWith(stranger, original);
  await expect(seenByStranger).toBeVisible();
  await expect(seenByStranger.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(seenByStranger.getByRole("button", { name: "Delete" })).toHaveCount(0);

  const mine = commentWith(page, original);
  // Edit says how long it stays possible (COMMENT_EDIT_MINUTES, 15 by default).
  await expect(mine.getByRole("link", { name: /^Edit \((15|14) min left\)$/ })).toBeVisible();
  await mine.getByRole("link", { name: "Edit" }).click();
  // The box opens with the focus in it.
  await expect(page.getByLabel("Edit your comment")).toBeFocused();
  const corrected = original.replace("Frist", "First");
  await page.getByLabel("Edit your comment").fill(corrected);
  await page.getByRole("button", { name: "Save edit" }).click();
  await expect(page.getByText("Your edit is saved.")).toBeVisible();
  await page.goto(ARTICLE);
  const edited = commentWith(page, corrected);
  await expect(edited).toContainText("(edited)");

  // Delete asks first.
  await edited.getByText("Delete", { exact: true }).click();
  await expect(edited.getByText("Delete your comment?")).toBeVisible();
  await edited.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.locator(".comment-body", { hasText: corrected })).toHaveCount(0);
  await stranger.reload();
  await expect(stranger.locator(".comment-body", { hasText: corrected })).toHaveCount(0);
});

test(`preview renders the markdown without posting it${QUICK}`, async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const text = unique("Preview me");
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Comment", { exact: true }).fill(`**${text}** and [a link](https://example.com)`);
  await page.getByRole("button", { name: "Preview" }).click();

  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.locator("strong")).toHaveText(text);
  await expect(preview.getByRole("link", { name: "a link" })).toHaveAttribute("rel", "nofollow ugc");
  await expect(page.getByLabel("Comment", { exact: true })).toHaveValue(
    `**${text}** and [a link](https://example.com)`,
  );
  await page.reload();
  await expect(page.locator(".comment-body", { hasText: text })).toHaveCount(0);
});

test("without JavaScript, Preview answers where the reader was: at the comment box", async ({ browser }) => {
  const page = await readerPage(browser, { javaScriptEnabled: false, viewport: { width: 375, height: 700 } });
  await page.goto(ARTICLE);
  const text = unique("Preview without script");
  await commentForm(page).getByLabel("Comment", { exact: true }).fill(`**${text}**`);
  await commentForm(page).getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("region", { name: "Preview" }).locator("strong")).toHaveText(text);
  await expect(page.getByRole("region", { name: "Preview" })).toBeInViewport();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
});

test(`the comment box is at the top of the discussion, compact until the reader turns to it${QUICK}`, async ({
  browser,
}) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  await postComment(page, "Ada", unique("Above or below"));
  const stranger = await readerPage(browser);
  await stranger.goto(ARTICLE);
  const box = commentForm(stranger);
  // Before the threads, not after them.
  expect(
    await box.evaluate((form) => {
      const list = document.querySelector(".comment-list")!;
      return Boolean(form.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING);
    }),
  ).toBe(true);
  // Folded: the comment's field alone shows; Name and the buttons wait (in reach of the keyboard).
  const folded = () => box.locator(".comment-form-more").evaluate((more) => more.getBoundingClientRect().height);
  expect(await folded()).toBe(0);
  await box.getByLabel("Comment", { exact: true }).focus();
  expect(await folded()).toBeGreaterThan(100);
  await expect(box.getByLabel("Name")).toBeInViewport();
  await expect(box.getByRole("button", { name: "Post comment" })).toBeInViewport();
  // Written in, it stays open when the focus leaves.
  await box.getByLabel("Comment", { exact: true }).fill("Half a thought");
  await stranger.locator("h2#comments-heading").click();
  expect(await folded()).toBeGreaterThan(100);
  // The checkbox sits beside its words, not stretched across the row.
  const checkbox = box.getByRole("checkbox", { name: "Email me when someone replies" });
  if (await checkbox.count()) expect((await checkbox.boundingBox())!.width).toBeLessThan(30);

  // Without JavaScript nothing is folded.
  const plain = await readerPage(browser, { javaScriptEnabled: false });
  await plain.goto(ARTICLE);
  await expect(commentForm(plain).getByLabel("Name")).toBeVisible();
  expect(
    await commentForm(plain)
      .locator(".comment-form-more")
      .evaluate((more) => more.getBoundingClientRect().height),
  ).toBeGreaterThan(100);
});

test("Reply, 👍, Cancel and Delete keep the keyboard focus where the reader is", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const first = unique("Focus one");
  const second = unique("Focus two");
  await postComment(page, "Ana Lima", first);
  await postComment(page, "Ana Lima", second);
  // A designed avatar: the initials, hidden from screen readers (the name follows).
  await expect(commentWith(page, first).locator(".comment-meta .avatar")).toHaveText("AL");
  await expect(commentWith(page, first).locator(".comment-meta .avatar")).toHaveAttribute("aria-hidden", "true");

  // Reply names whom it answers; the box it opens takes the focus; Cancel gives it back to the comment.
  await commentWith(page, first).getByRole("link", { name: "Reply to Ana Lima" }).press("Enter");
  const reply = commentWith(page, first).locator("form.comment-form");
  await expect(reply.getByLabel("Comment", { exact: true })).toBeFocused();
  await reply.getByRole("link", { name: "Cancel" }).press("Enter");
  await expect(reply).toHaveCount(0);
  await expect(commentWith(page, first)).toBeFocused();

  // 👍 from the keyboard: counted, pressed, and the focus still on it.
  await commentWith(page, first).getByRole("button", { name: "Thumbs up", exact: true }).press("Enter");
  const liked = commentWith(page, first).getByRole("button", { name: "Thumbs up 1", exact: true });
  await expect(liked).toHaveAttribute("aria-pressed", "true");
  await expect(liked).toBeFocused();

  // Delete: the comment goes, and the focus goes to the next one rather than to the top of the page.
  await commentWith(page, first).getByText("Delete", { exact: true }).press("Enter");
  await commentWith(page, first).getByRole("button", { name: "Yes, delete" }).press("Enter");
  await expect(page.locator(".comment-body", { hasText: first })).toHaveCount(0);
  await expect(commentWith(page, second)).toBeFocused();
});

test("markdown in a comment is rendered safely", async ({ browser }) => {
  const page = await readerPage(browser);
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await page.goto(ARTICLE);
  const text = unique("Safe");
  await postComment(page, "Mallory", `${text} *fine* <img src=x onerror=alert(1)> [click](javascript:alert(1))`);
  const comment = commentWith(page, text);
  await expect(comment.locator("em")).toHaveText("fine");
  // No image comes from what the reader wrote (the avatar is the site's, in the meta line).
  await expect(comment.locator(".comment-body img")).toHaveCount(0);
  await expect(comment.getByText("<img src=x onerror=alert(1)>")).toBeVisible();
  await comment.getByText("click").click();
  expect(dialogs).toBe(0);
});

test(`a thumbs-up is counted once per browser and can be taken back${QUICK}`, async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const text = unique("Likeable");
  await postComment(page, "Ada", text);
  const like = commentWith(page, text).getByRole("button", { name: /thumbs up/i });
  await expect(like).toHaveAttribute("aria-pressed", "false");
  await like.click();
  await expect(commentWith(page, text).getByRole("button", { name: "Thumbs up 1", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await page.reload();
  await commentWith(page, text).getByRole("button", { name: "Thumbs up 1", exact: true }).click();
  // Taken back: no count shown, and not pressed.
  await expect(commentWith(page, text).getByRole("button", { name: "Thumbs up", exact: true })).toHaveAttribute(
    "aria-pressed",
    "false",
  );
});

test("a thumbs-up works without JavaScript, on another reader's comment", async ({ browser }) => {
  const author = await readerPage(browser);
  await author.goto(ARTICLE);
  const text = unique("Liked without script");
  await postComment(author, "Ada", text);

  const reader = await readerPage(browser, { javaScriptEnabled: false });
  await reader.goto(ARTICLE);
  await commentWith(reader, text).getByRole("button", { name: "Thumbs up", exact: true }).click();
  // The form's answer brings the reader back to the comment, counted.
  await expect(reader).toHaveURL(new RegExp(`${ARTICLE}#comment-`));
  await expect(commentWith(reader, text).getByRole("button", { name: "Thumbs up 1", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await author.reload();
  // Counted for everyone, pressed only for the reader who gave it.
  await expect(commentWith(author, text).getByRole("button", { name: "Thumbs up 1", exact: true })).toHaveAttribute(
    "aria-pressed",
    "false",
  );
});

test("the discussion's Atom feed carries a new comment", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const text = unique("Feed me");
  await postComment(page, "Ada", `**${text}**`);
  const href = await page.getByRole("link", { name: "Follow this discussion (Atom feed)" }).getAttribute("href");
  await expect(page.locator('link[rel="alternate"][type="application/atom+xml"][href$="/comments.xml"]')).toHaveCount(
    1,
  );
  const feed = await page.request.get(href!);
  expect(feed.headers()["content-type"]).toContain("application/atom+xml");
  expect(await feed.text()).toContain(`&lt;strong&gt;${text}&lt;/strong&gt;`);
});

test("the form remembers the name last used", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  await postComment(page, "Remembered Reader", unique("Name me"));
  await page.goto(ARTICLE);
  await expect(page.getByLabel("Name")).toHaveValue("Remembered Reader");
});

test("a permalink scrolls to the comment and highlights it", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const text = unique("Link to me");
  await postComment(page, "Ada", text);
  const id = await commentWith(page, text).getAttribute("id");
  await page.goto(`${ARTICLE}#${id}`);
  await expect(page.locator(`#${id}`)).toBeInViewport();
  expect(await page.locator(`#${id}`).evaluate((el) => el.matches(":target"))).toBe(true);
});

test("posting too fast is refused with when to try again", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  for (let i = 1; i <= 5; i++) await postComment(page, "Speedy", unique(`Burst ${i}`));
  const form = page.locator("form.comment-form").last();
  await form.getByLabel("Comment", { exact: true }).fill(unique("One too many"));
  await form.getByRole("button", { name: "Post comment" }).click();
  await expect(form.getByRole("status")).toContainText(
    /faster than we allow\. Please try again in (\d+ seconds?|1 minute)\./,
    { timeout: 15_000 },
  );
  // What the reader typed is still there.
  await expect(form.getByLabel("Comment", { exact: true })).toHaveValue(/One too many/);
});

test("a bot that fills the hidden field is told it posted, and nothing is stored", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const text = unique("Buy pills");
  await page.locator('input[name="website"]').evaluate((el: HTMLInputElement) => (el.value = "http://spam.example"));
  await postComment(page, "Bot", text);
  await page.reload();
  await expect(page.locator(".comment-body", { hasText: text })).toHaveCount(0);
});

test("a name made only of invisible characters is no name", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(ARTICLE);
  const text = unique("Nameless");
  await sendComment(commentForm(page), "\u200B\u3164\u200D\u2060", text);
  await expect(commentForm(page).locator(".field-error")).toHaveText("Please enter your name.");
  await expect(commentForm(page).getByLabel("Comment", { exact: true })).toHaveValue(text);
});

/** Opens the article with the page's form token swapped for an expired one, everywhere it appears. */
async function openWithExpiredForm(page: Page) {
  await page.route(
    `**${ARTICLE}`,
    async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      const token = html.match(/name="token" value="([^"]+)"/)![1];
      await route.fulfill({ response, body: html.replaceAll(token, expiredToken()) });
    },
    { times: 1 },
  );
  await page.goto(ARTICLE);
}

for (const javaScriptEnabled of [true, false]) {
  test(`an expired form keeps the reader's text and posts when sent again (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({
    browser,
  }) => {
    const page = await readerPage(browser, { javaScriptEnabled });
    await openWithExpiredForm(page);
    const text = unique("Written overnight");
    await sendComment(commentForm(page), "Ada", text);
    await expect(commentForm(page).getByRole("status")).toHaveText(
      "This form had expired. Please post your comment again.",
    );
    await expect(commentForm(page).getByLabel("Name")).toHaveValue("Ada");
    await expect(commentForm(page).getByLabel("Comment", { exact: true })).toHaveValue(text);
    // A first-time reader got one browser id with the refusal, and keeps it when the comment is stored.
    const browserIds = async () =>
      (await page.context().cookies()).filter((c) => c.name === "mg_browser").map((c) => c.value);
    const first = await browserIds();
    expect(first).toHaveLength(1);

    await commentForm(page).getByRole("button", { name: "Post comment" }).click();
    await expect(commentForm(page).getByRole("status")).toContainText("Thanks! Your comment is posted.");
    await expect(commentWith(page, text)).toContainText("Ada");
    expect(await browserIds()).toEqual(first);
  });
}

test("each comment's markup is sent once, and soft navigation and Back keep the article and its discussion", async ({
  browser,
}) => {
  const writer = await readerPage(browser);
  await writer.goto(ARTICLE);
  const text = unique("Sent once");
  await postComment(writer, "Ada", text);

  // The document a new reader gets: the comment's text in its HTML, not again in React's payload.
  const reader = await readerPage(browser);
  const html = await (await reader.request.get(ARTICLE)).text();
  expect(html.split(text).length - 1).toBe(1);
  // The router's request gets the markup in its payload, also when a client claims it asks for a document.
  const flight = await reader.request.get(ARTICLE, { headers: { rsc: "1", "x-marginalia-document": "1" } });
  expect(await flight.text()).toContain(text);

  await reader.goto(ARTICLE);
  const prose = reader.locator(".prose");
  const opening = (await prose.locator("p").first().textContent())!.trim().slice(0, 40);
  await expect(commentWith(reader, text)).toBeVisible();
  // Away by the router and Back: React mounts the article again from its cache, with no server HTML under it.
  await reader
    .getByRole("link", { name: /Next article|Previous article/ })
    .first()
    .click();
  await expect(reader).not.toHaveURL(ARTICLE);
  await reader.goBack();
  await expect(reader).toHaveURL(ARTICLE);
  await expect(prose).toContainText(opening);
  await expect(commentWith(reader, text)).toBeVisible();
  await expect(commentWith(reader, text).getByRole("button", { name: "Thumbs up", exact: true })).toBeVisible();

  // Into the article by the router from elsewhere: the markup comes in the payload.
  await reader.goto("/");
  await reader
    .getByRole("link", { name: "Monolith vs Microservices: What I Actually Prefer in My Tech Stack" })
    .first()
    .click();
  await expect(reader).toHaveURL(ARTICLE);
  await expect(prose).toContainText(opening);
  await expect(commentWith(reader, text)).toBeVisible();
  // And a thumbs-up there still works in place, through the section's one form.
  await commentWith(reader, text).getByRole("button", { name: "Thumbs up", exact: true }).click();
  await expect(commentWith(reader, text).getByRole("button", { name: "Thumbs up 1", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
});

/** A page's HTML without what differs between any two answers: scripts, nonce, form token, times. */
const sameForEveryAnswer = (html: string) =>
  html
    .replace(/<script\b[\s\S]*?<\/script>/g, "")
    .replace(/ nonce="[^"]*"/g, "")
    .replace(/(name="token" value=")[^"]*/g, "$1")
    .replace(/(<time [^>]*>)[^<]*/g, "$1")
    .replace(/<link rel="preload"[^>]*>/g, "");

test(`a commenter's page is the shared one with their name, 👍, Edit and Delete filled in, as rendered for them${QUICK}`, async ({
  browser,
}) => {
  // Every character that HTML or the inline payload writes another way, and a "$" that React escapes.
  const name = `$O'Brien "Ada" <b>&amp;</b> \\ 😀`;
  const writer = await readerPage(browser);
  await writer.goto(ARTICLE);
  const other = unique("Someone else's");
  const stranger = await readerPage(browser);
  await stranger.goto(ARTICLE);
  await postComment(stranger, "Grace", other);
  const mineText = unique("Mine");
  await postComment(writer, name, mineText);
  await writer.goto(ARTICLE);
  await commentWith(writer, other).getByRole("button", { name: "Thumbs up", exact: true }).click();
  await expect(commentWith(writer, other).getByRole("button", { name: "Thumbs up 1", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );

  // The article's own address comes from the page kept for everyone; with a query it is rendered
  // for the reader (the default number of threads: the same page).
  const filled = await (await writer.request.get(ARTICLE)).text();
  const rendered = await (await writer.request.get(`${ARTICLE}?threads=50`)).text();
  expect(sameForEveryAnswer(filled)).toBe(sameForEveryAnswer(rendered));
  // React's payload carries their name as Next.js writes it for them, or hydration would not agree.
  const payloadName = (html: string) =>
    html.slice(html.indexOf("defaultName"), html.indexOf("notice", html.indexOf("defaultName")));
  expect(payloadName(filled)).toContain("O'Brien");
  expect(payloadName(filled)).toBe(payloadName(rendered));
  // Their 👍 pressed, with the count it shows.
  expect(filled).toMatch(/aria-pressed="true"[^>]*><span>Thumbs up<\/span> 1<\/button>/);
  expect(filled).not.toMatch(/mg(name|actions|token|nonce)[0-9a-f]{24}/);

  // Hydrated with the name React's payload carries: the field keeps it, and nothing is reported.
  const errors: string[] = [];
  writer.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
  writer.on("pageerror", (error) => errors.push(error.message));
  await writer.goto(ARTICLE);
  await expect(commentForm(writer).getByLabel("Name")).toHaveValue(name);
  await expect(commentWith(writer, mineText).getByRole("link", { name: "Edit" })).toBeVisible();
  await commentForm(writer).getByLabel("Comment", { exact: true }).fill("typed after hydration");
  await expect(commentForm(writer).getByLabel("Name")).toHaveValue(name);
  expect(errors).toEqual([]);

  // Another reader with cookies of their own sees their own name and none of the writer's controls.
  await stranger.goto(ARTICLE);
  await expect(commentForm(stranger).getByLabel("Name")).toHaveValue("Grace");
  await expect(commentWith(stranger, mineText).getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(commentWith(stranger, other).getByRole("button", { name: "Thumbs up 1", exact: true })).toHaveAttribute(
    "aria-pressed",
    "false",
  );
});

test("a reader deletes their own comment without JavaScript", async ({ browser }) => {
  const page = await readerPage(browser, { javaScriptEnabled: false });
  await page.goto(ARTICLE);
  const text = unique("Delete me");
  await sendComment(commentForm(page), "Ada", text);
  await expect(commentWith(page, text)).toBeVisible();
  await page.goto(ARTICLE);
  // The question opens without script too (a disclosure), and nothing is deleted before the answer.
  await commentWith(page, text).getByText("Delete", { exact: true }).click();
  await commentWith(page, text).getByRole("button", { name: "Yes, delete" }).click();
  await expect(page).toHaveURL(/#comments$/);
  await expect(page.locator(".comment-body", { hasText: text })).toHaveCount(0);
  // A comment that is not theirs: refused, with why and the way back.
  const answer = await page.request.post(`${ARTICLE}/delete`, {
    form: { id: "no-such-comment" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(answer.status()).toBe(409);
  const refusal = await answer.text();
  expect(refusal).toContain("You can only change comments posted from this browser.");
  expect(refusal).toContain('href="/articles/monolith-vs-microservices#comment-no-such-comment"');
});
