import { expect, quickIf, test, type Browser, type Page } from "./support/test";
import { commentForm, postComment, readerPage, sendComment, unique } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer } from "./support/servers";

// Bans, blocklists, the spam score, bulk moderation in /admin and first-comment approval, each
// seen from a reader's browser, with JavaScript and without. The author works without JavaScript
// throughout: every control is a plain form.

const PASSWORD = "correct horse battery staple";

async function signIn(page: Page) {
  await page.goto("/admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

async function author(browser: Browser, baseURL?: string) {
  const page = await readerPage(browser, { javaScriptEnabled: false, ...(baseURL ? { baseURL } : {}) });
  await signIn(page);
  return page;
}

const commentOf = (page: Page, text: string) =>
  page
    .locator("li.comment")
    .filter({ has: page.locator(":scope > .comment-body", { hasText: text }) })
    .first();
const adminEntry = (page: Page, text: string) => page.locator("li.admin-comment").filter({ hasText: text });

/** Searches the moderation list (a GET form) for `text`. */
async function search(page: Page, text: string) {
  await page.goto("/admin");
  await page.getByLabel("Search names and text").fill(text);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/[?&]q=/);
}

/** Removes the bans and blocklist entries whose value or note holds `text`, from /admin. */
async function removeEntries(page: Page, text: string) {
  await page.goto("/admin#bans");
  const rows = page.locator(".admin-blocks tbody tr").filter({ hasText: text });
  for (let left = await rows.count(); left > 0; left--) {
    await rows
      .first()
      .getByRole("button", { name: /^Remove/ })
      .click();
    await expect(rows).toHaveCount(left - 1);
  }
}

for (const javaScriptEnabled of [true, false]) {
  const js = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`a banned reader (${js}) still sees their comments as posted; nobody else does, until the ban is lifted${quickIf(!javaScriptEnabled)}`, async ({
    browser,
  }) => {
    test.slow(); // three browsers, a dozen page loads without JavaScript
    const ARTICLE = "/articles/field-note-03";
    const name = unique("Troll");
    const troll = await readerPage(browser, { javaScriptEnabled });
    await troll.goto(ARTICLE);
    const before = unique("Before the ban");
    await postComment(troll, name, before);

    const admin = await author(browser);
    await admin.goto(ARTICLE);
    await commentOf(admin, before).getByRole("link", { name: "Ban author…" }).click();
    const form = commentOf(admin, before).locator("form.ban-form");
    await expect(form.getByRole("alert")).toHaveText(`Ban ${name}?`);
    await expect(form.getByLabel("by their browser")).toBeChecked();
    await expect(form.getByLabel(/by their address/)).toBeChecked();
    await form.getByRole("button", { name: "Ban" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Banned." })).toBeVisible();
    await expect(commentOf(admin, before)).toContainText("Banned author: only they and you can see it.");

    // The troll notices nothing: their comment is there, and a new one is "posted".
    await troll.goto(ARTICLE);
    await expect(commentOf(troll, before)).toBeVisible();
    await expect(commentOf(troll, before)).not.toContainText("Banned");
    await expect(commentOf(troll, before)).not.toContainText("Awaiting moderation");
    const after = unique("After the ban");
    await postComment(troll, name, after);
    await expect(commentForm(troll).getByRole("status")).toHaveText("Thanks! Your comment is posted.");
    await expect(commentOf(troll, after)).toBeVisible();

    // Everybody else sees neither.
    const reader = await readerPage(browser, { javaScriptEnabled });
    await reader.goto(ARTICLE);
    await expect(reader.locator(".comment-body", { hasText: before })).toHaveCount(0);
    await expect(reader.locator(".comment-body", { hasText: after })).toHaveCount(0);

    // The moderation list shows them under "Banned authors", and lifting the ban lets the next one through.
    await search(admin, name);
    await expect(adminEntry(admin, after)).toContainText("banned author");
    await expect(adminEntry(admin, after)).toContainText("Banned browser");
    await removeEntries(admin, name);
    await expect(admin.locator(".admin-blocks tbody tr").filter({ hasText: name })).toHaveCount(0);
    await troll.reload();
    const free = unique("After the ban was lifted");
    await postComment(troll, name, free);
    await reader.reload();
    await expect(reader.locator(".comment-body", { hasText: free })).toBeVisible();
    await expect(reader.locator(".comment-body", { hasText: after })).toHaveCount(0);
  });

  test(`blocked words are refused and blocked domains wait for approval (${js})`, async ({ browser }) => {
    test.slow();
    const ARTICLE = "/articles/field-note-04";
    const word = unique("zorgle").replace(" ", "");
    const domain = `${unique("spam").replace(" ", "-")}.example`;
    const admin = await author(browser);
    await admin.goto("/admin#bans");
    const add = admin.locator("form.admin-block-form");
    await add.getByLabel("Block").selectOption("word");
    await add.getByLabel("Value").fill(word);
    await add.getByLabel("Such comments are").selectOption("refuse");
    await add.getByRole("button", { name: "Add" }).click();
    await expect(admin.locator("form.admin-block-form").getByText(`Saved: word ${word}.`)).toBeVisible();
    await add.getByLabel("Block").selectOption("domain");
    await add.getByLabel("Value").fill(`https://www.${domain}/offers`);
    await add.getByLabel("Such comments are").selectOption("queue");
    await add.getByRole("button", { name: "Add" }).click();
    await expect(admin.locator(".admin-blocks tbody tr").filter({ hasText: domain })).toContainText(
      "sent to the queue",
    );
    // A word cannot be shadow-banned: the form says why and keeps what was typed.
    await add.getByLabel("Block").selectOption("word");
    await add.getByLabel("Value").fill("kept text");
    await add.getByLabel("Such comments are").selectOption("shadow");
    await add.getByRole("button", { name: "Add" }).click();
    await expect(admin.getByText("A word or a domain sends to the queue or refuses.")).toBeVisible();
    await expect(admin.locator("form.admin-block-form").getByLabel("Value")).toHaveValue("kept text");

    const reader = await readerPage(browser, { javaScriptEnabled });
    await reader.goto(ARTICLE);
    const rude = `This is ${word.toUpperCase()} nonsense`;
    await sendComment(commentForm(reader), "Rex", rude);
    await expect(commentForm(reader).locator(".field-error")).toHaveText(
      `“${word}” is not accepted in comments here. Please rephrase.`,
    );
    await expect(commentForm(reader).getByLabel("Comment", { exact: true })).toHaveValue(rude);

    const linked = unique("Great deals at");
    await commentForm(reader).getByLabel("Comment", { exact: true }).fill(`${linked} https://shop.${domain}/today`);
    await commentForm(reader).getByRole("button", { name: "Post comment" }).click();
    await expect(commentForm(reader).getByRole("status")).toHaveText("Thanks! Your comment is awaiting moderation.");
    await expect(commentOf(reader, linked)).toContainText("Awaiting moderation");

    const other = await readerPage(browser, { javaScriptEnabled });
    await other.goto(ARTICLE);
    await expect(other.locator(".comment-body", { hasText: linked })).toHaveCount(0);

    await search(admin, linked);
    await admin.getByLabel(/Flagged only/).check();
    await admin.getByRole("button", { name: "Filter" }).click();
    await expect(adminEntry(admin, linked).getByRole("list", { name: "Why it was flagged" })).toHaveText(
      `Blocked domain ${domain}`,
    );
    await expect(adminEntry(admin, linked)).toContainText("Field note 4: the lynx");
    await adminEntry(admin, linked).getByRole("button", { name: "Approve" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Approved 1 comment." })).toBeVisible();
    await other.reload();
    await expect(other.locator(".comment-body", { hasText: linked })).toBeVisible();

    await removeEntries(admin, word);
    await removeEntries(admin, domain);
  });
}

test("the spam score holds the same text posted on a third article, and tells the moderator why", async ({
  browser,
}) => {
  test.slow();
  const text = unique("Visit our wonderful store for the best prices on absolutely everything");
  const spammer = await readerPage(browser);
  for (const article of ["/articles/field-note-08", "/articles/field-note-09"]) {
    await spammer.goto(article);
    await postComment(spammer, "Shopkeeper", text);
    await expect(commentForm(spammer).getByRole("status")).toHaveText("Thanks! Your comment is posted.");
  }
  await spammer.goto("/articles/field-note-11");
  await postComment(spammer, "Shopkeeper", text);
  await expect(commentForm(spammer).getByRole("status")).toHaveText("Thanks! Your comment is awaiting moderation.");

  const reader = await readerPage(browser, { javaScriptEnabled: false });
  await reader.goto("/articles/field-note-11");
  await expect(reader.locator(".comment-body", { hasText: text })).toHaveCount(0);

  const admin = await author(browser);
  await search(admin, text);
  const held = adminEntry(admin, text).filter({ hasText: "Field note 11: the zebra" });
  await expect(held).toContainText("awaiting approval");
  await expect(held.getByRole("list", { name: "Why it was flagged" })).toContainText(
    "Spam: the same text on 2 other articles within 7 days (+5)",
  );
  // The comment as readers would see it, beside the markdown as written.
  await expect(held.locator(".admin-rendered")).toHaveText(text);
  await expect(held.locator("pre.comment-source")).toHaveText(text);
});

test("bulk moderation in /admin without JavaScript: hide two, then delete the rest after confirming", async ({
  browser,
}) => {
  test.slow();
  const ARTICLE = "/articles/field-note-02";
  const tag = unique("bulk");
  const poster = await readerPage(browser);
  await poster.goto(ARTICLE);
  for (const n of [1, 2, 3]) await postComment(poster, `Bulk ${n}`, `${tag} number ${n}`);

  const admin = await author(browser);
  await search(admin, tag);
  await expect(admin.getByText("Comments 1–3 of 3")).toBeVisible();
  await expect(
    adminEntry(admin, `${tag} number 1`).getByRole("link", { name: "Field note 2: the heron" }),
  ).toBeVisible();
  await adminEntry(admin, `${tag} number 1`).getByRole("checkbox").check();
  await adminEntry(admin, `${tag} number 2`).getByRole("checkbox").check();
  await admin.getByRole("button", { name: "Hide" }).first().click();
  await expect(admin.getByRole("status").filter({ hasText: "Hid 2 comments." })).toBeVisible();
  // Back on the same search.
  await expect(admin.getByLabel("Search names and text")).toHaveValue(tag);
  await expect(adminEntry(admin, `${tag} number 1`)).toContainText("hidden");

  const reader = await readerPage(browser, { javaScriptEnabled: false });
  await reader.goto(ARTICLE);
  await expect(reader.locator(".comment-body", { hasText: `${tag} number 1` })).toHaveCount(0);
  await expect(reader.locator(".comment-body", { hasText: `${tag} number 2` })).toHaveCount(0);
  await expect(reader.locator(".comment-body", { hasText: `${tag} number 3` })).toBeVisible();

  // Nothing ticked: said so, nothing done.
  await admin.getByRole("button", { name: "Approve" }).first().click();
  await expect(admin.getByRole("status").filter({ hasText: "No comment was ticked" })).toBeVisible();

  for (const n of [1, 2, 3]) await adminEntry(admin, `${tag} number ${n}`).getByRole("checkbox").check();
  await admin.getByRole("button", { name: "Delete…" }).first().click();
  await expect(admin.getByRole("alert")).toHaveText("Delete 3 comments for good?");
  await admin.getByRole("button", { name: "Yes, delete 3 comments" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Deleted 3 comments." })).toBeVisible();
  await expect(admin.getByText("No comments here.")).toBeVisible();
  await reader.reload();
  await expect(reader.locator(".comment-body", { hasText: tag })).toHaveCount(0);
});

test.describe("with COMMENTS_MODERATION=first", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  test.beforeAll(async () => {
    test.setTimeout(SERVER_SETUP_MS);
    server = await startServer(E2E_PORT + 8, e2eEnv(freshSqlite("e2e-first"), { COMMENTS_MODERATION: "first" }));
  });
  test.afterAll(() => server?.stop());

  for (const javaScriptEnabled of [true, false]) {
    test(`a reader's first comment waits; once one is approved, the next is posted at once (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({
      browser,
    }) => {
      test.slow();
      const ARTICLE = "/articles/monolith-vs-microservices";
      const newcomer = await readerPage(browser, { baseURL: server.url, javaScriptEnabled });
      await newcomer.goto(ARTICLE);
      const first = unique("My very first comment");
      await postComment(newcomer, "Newcomer", first);
      await expect(commentForm(newcomer).getByRole("status")).toHaveText(
        "Thanks! Your comment is awaiting moderation.",
      );
      await expect(commentOf(newcomer, first)).toContainText("Awaiting moderation");
      const other = await readerPage(browser, { baseURL: server.url, javaScriptEnabled });
      await other.goto(ARTICLE);
      await expect(other.locator(".comment-body", { hasText: first })).toHaveCount(0);

      // Approved in bulk from the queue.
      const admin = await author(browser, server.url);
      await admin.getByRole("link", { name: /^Awaiting approval/ }).click();
      await adminEntry(admin, first).getByRole("checkbox").check();
      await admin.getByRole("button", { name: "Approve" }).first().click();
      await expect(admin.getByRole("status").filter({ hasText: "Approved 1 comment." })).toBeVisible();

      await newcomer.goto(ARTICLE);
      const second = unique("Now I am known");
      await postComment(newcomer, "Newcomer", second);
      await expect(commentForm(newcomer).getByRole("status")).toHaveText("Thanks! Your comment is posted.");
      await other.reload();
      await expect(other.locator(".comment-body", { hasText: first })).toBeVisible();
      await expect(other.locator(".comment-body", { hasText: second })).toBeVisible();

      // Another browser is new here: its first comment waits.
      const third = unique("Someone else's first");
      await postComment(other, "Other", third);
      await expect(commentForm(other).getByRole("status")).toHaveText("Thanks! Your comment is awaiting moderation.");
    });
  }
});

test("a ban set to refuse tells the reader, on the form without JavaScript and in the API", async ({ browser }) => {
  const ARTICLE = "/articles/field-note-06";
  const address = `10.66.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const admin = await author(browser);
  await admin.goto("/admin#bans");
  const add = admin.locator("form.admin-block-form");
  await add.getByLabel("Block").selectOption("address");
  await add.getByLabel("Value").fill(address);
  await add.getByLabel("Such comments are").selectOption("refuse");
  await add.getByLabel("Note (for you)").fill("refused in a test");
  await add.getByRole("button", { name: "Add" }).click();
  await expect(admin.locator(".admin-blocks tbody tr").filter({ hasText: address })).toContainText("refused");

  const context = await browser.newContext({
    javaScriptEnabled: false,
    extraHTTPHeaders: { "x-forwarded-for": address },
  });
  const reader = await context.newPage();
  await reader.goto(ARTICLE);
  const text = unique("Let me in");
  await sendComment(commentForm(reader), "Refused", text);
  await expect(commentForm(reader).locator(".form-message")).toHaveText("This site does not accept comments from you.");
  await expect(commentForm(reader).getByLabel("Comment", { exact: true })).toHaveValue(text);

  const api = "/api/articles/field-note-06/comments";
  const { token } = (await (await reader.request.get(api)).json()) as { token: string };
  const answer = await reader.request.post(api, { data: { name: "Refused", body: text, token } });
  expect(answer.status()).toBe(403);
  expect(await answer.json()).toEqual({ error: "This site does not accept comments from you." });
  await context.close();
  await removeEntries(admin, "refused in a test");
});
