// Mail in a real browser against a production server with SMTP_URL pointing at a real SMTP server
// (smtp-server on a local port): subscribe, confirm, a reply from another browser, exactly one
// notification, and the ways to stop.
import Database from "better-sqlite3";
import nodemailer from "nodemailer";
import { expect, QUICK, test, type Page } from "./support/test";
import { startMailbox, type TestMailbox } from "../support/smtp";
import { commentForm, postComment, readerPage, unique } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, startServer, type RunningServer } from "./support/servers";
import { articlePath, commentFeedPath, commentsApiPath } from "@/lib/routes";

const SLUG = "monolith-vs-microservices";
const ARTICLE = articlePath(SLUG);
const PORT = E2E_PORT + 5;
const SMTP_PORT = 8541;
/** The site's own SMTP listener, for replies by mail (lib/mail-in/). */
const INBOUND_PORT = E2E_PORT + 14;

let server: RunningServer;
let mailbox: TestMailbox;
/** The server's SQLite file, to read its outbox. */
let databaseFile: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  mailbox = await startMailbox(SMTP_PORT);
  const database = freshSqlite("e2e-mail");
  databaseFile = database.slice("file:".length);
  server = await startServer(
    PORT,
    e2eEnv(database, {
      SMTP_URL: mailbox.url,
      MAIL_FROM: "Marginalia <mail@marginalia.example>",
      REPLY_BATCH_SECONDS: "1",
      MAIL_POLL_SECONDS: "1",
      MAIL_RETRY_SECONDS: "1",
      MAIL_REPLY_DOMAIN: "reply.marginalia.example",
      SMTP_INBOUND_PORT: String(INBOUND_PORT),
      SMTP_INBOUND_HOST: "127.0.0.1",
    }),
    "data/e2e-mail.log",
  );
});
test.afterAll(async () => {
  server?.stop();
  await mailbox?.stop();
});

/** A link from a mail, on this test's server (mails name SITE_URL, the public address). */
function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s"]*${path}\\?t=[^\\s"<]+`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  const url = new URL(match[0]);
  return `${server.url}${url.pathname}${url.search}`;
}

async function mailsTo(address: string, count: number): Promise<ReturnType<TestMailbox["to"]>> {
  await expect.poll(() => mailbox.to(address).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  return mailbox.to(address);
}

/**
 * Waits until the server's outbox has nothing queued or being sent. A comment queues its mails in
 * its own transaction, and a mail is marked sent only once the SMTP server took it: every mail what
 * came before will ever cause is then in the mailbox, so none can arrive later.
 */
async function outboxSettled(): Promise<void> {
  const sqlite = new Database(databaseFile, { readonly: true });
  try {
    const unsent = sqlite.prepare("SELECT count(*) AS n FROM OutboxMessage WHERE status IN ('queued', 'sending')");
    await expect.poll(() => (unsent.get() as { n: number }).n, { timeout: 30_000 }).toBe(0);
  } finally {
    sqlite.close();
  }
}

async function subscribe(page: Page, name: string, email: string, text: string) {
  await page.goto(`${server.url}${ARTICLE}`);
  const form = commentForm(page);
  await form.getByLabel("Email (optional, never shown)").fill(email);
  await form.getByLabel("Email me when someone replies").check();
  await postComment(page, name, text, form);
  await expect(form.getByRole("status")).toContainText("we sent it a link to confirm it");
}

async function reply(page: Page, to: string, name: string, text: string) {
  await page.goto(`${server.url}${ARTICLE}`);
  await page.locator("li.comment", { hasText: to }).getByRole("link", { name: "Reply" }).first().click();
  const form = page.locator(".reply-form form.comment-form");
  await expect(form).toBeVisible();
  await postComment(page, name, text, form);
}

test(`subscribe, confirm, a reply from another browser: exactly one notification, and its links stop it${QUICK}`, async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const email = `ada.${Date.now()}@example.org`;
  const ada = await readerPage(browser);
  const adaText = unique("Which monolith do you mean");
  await subscribe(ada, "Ada", email, adaText);

  // One confirmation mail, and nothing else until it is clicked.
  const [confirmation] = await mailsTo(email, 1);
  expect(confirmation.subject).toBe("Confirm your address for Marginalia");
  await ada.goto(linkIn(confirmation.text!, "/email/confirm"));
  await ada.getByRole("button", { name: "Confirm my address" }).click();
  await expect(ada.getByRole("status")).toContainText("Your address is confirmed");

  const grace = await readerPage(browser);
  const graceText = unique("The **modular** kind");
  await reply(grace, adaText, "Grace Hopper", graceText);

  const mails = await mailsTo(email, 2);
  const notification = mails[1];
  expect(notification.subject).toBe(
    "Grace Hopper replied on “Monolith vs Microservices: What I Actually Prefer in My Tech Stack”",
  );
  expect(notification.html).toContain("<strong>modular</strong>");
  expect(notification.text).toContain(graceText);
  // Exactly one: nothing is left to send that could follow it.
  await outboxSettled();
  expect(mailbox.to(email)).toHaveLength(2);

  // RFC 8058 one-click: a POST from the mail provider, no cookie, no Origin.
  const header = notification.headerLines.find((h) => h.key === "list-unsubscribe")!.line.replace(/\r?\n\s+/g, "");
  expect(notification.headerLines.find((h) => h.key === "list-unsubscribe-post")?.line).toBe(
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
  );
  const oneClick = new URL(/<([^>]+)>/.exec(header)![1]);
  const response = await fetch(`${server.url}${oneClick.pathname}${oneClick.search}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  expect(response.status).toBe(200);
  // The link in the mail says so too, and a new reply sends nothing.
  await ada.goto(linkIn(notification.text!, "/email/unsubscribe"));
  await expect(ada.getByRole("status")).toContainText("You were already unsubscribed");
  await reply(grace, adaText, "Grace Hopper", unique("Still there?"));
  await outboxSettled();
  expect(mailbox.to(email)).toHaveLength(2);
});

test("the link in the mail unsubscribes with one click, and 'everything' forgets the address", async ({ browser }) => {
  test.setTimeout(90_000);
  const email = `linus.${Date.now()}@example.org`;
  const linus = await readerPage(browser);
  const linusText = unique("Microservices are a people problem");
  await subscribe(linus, "Linus", email, linusText);
  const [confirmation] = await mailsTo(email, 1);
  await linus.goto(linkIn(confirmation.text!, "/email/confirm"));
  await linus.getByRole("button", { name: "Confirm my address" }).click();

  const ken = await readerPage(browser);
  await reply(ken, linusText, "Ken", unique("So is everything"));
  const [, notification] = await mailsTo(email, 2);

  // The "stop every mail" link (the second) deletes the address.
  const links = [...notification.text!.matchAll(/https?:\/\/\S*\/email\/unsubscribe\?t=\S+/g)].map(
    (m) => new URL(m[0]),
  );
  expect(links).toHaveLength(2);
  await linus.goto(`${server.url}${links[1].pathname}${links[1].search}`);
  await linus.getByRole("button", { name: "Stop everything and delete my address" }).click();
  await expect(linus.getByRole("status")).toContainText("your address is deleted");
  // The first link now finds nothing to stop.
  await linus.goto(`${server.url}${links[0].pathname}${links[0].search}`);
  await expect(linus.getByRole("status")).toContainText("already unsubscribed");
});

test("a wrong address is refused with a clear message, keeping what was typed", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto(`${server.url}${ARTICLE}`);
  const form = commentForm(page);
  const text = unique("Keep this text");
  await form.getByLabel("Name").fill("Barbara");
  await form.getByLabel("Comment", { exact: true }).fill(text);
  await form.getByLabel("Email (optional, never shown)").fill("not-an-address");
  await form.getByLabel("Email me when someone replies").check();
  await form.getByRole("button", { name: "Post comment" }).click();
  await expect(form.getByText("That does not look like an email address.")).toBeVisible();
  await expect(form.getByLabel("Comment", { exact: true })).toHaveValue(text);
  await expect(form.getByLabel("Email (optional, never shown)")).toHaveValue("not-an-address");
  await expect(form.getByLabel("Email me when someone replies")).toBeChecked();
});

test("the address never appears in a page, a feed, the API or the default export", async ({ browser }) => {
  const email = `private.${Date.now()}@example.org`;
  const page = await readerPage(browser);
  await subscribe(page, "Private Person", email, unique("Hidden address"));
  await mailsTo(email, 1);
  for (const path of [ARTICLE, commentFeedPath(SLUG), "/feed.xml", "/atom.xml", commentsApiPath(SLUG), "/"]) {
    const body = await (await fetch(`${server.url}${path}`)).text();
    expect(body, path).not.toContain(email);
  }
  // The page as the reader who typed it sees it, too.
  await page.reload();
  expect(await page.content()).not.toContain(email);
  const admin = await readerPage(browser);
  await admin.goto(`${server.url}/admin`);
  await admin.getByLabel("Password").fill("correct horse battery staple");
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("heading", { name: "Outbox" })).toBeVisible();
  expect(await admin.content()).not.toContain(email);
  const exported = await admin.request.get(`${server.url}/admin/export`);
  expect(await exported.text()).not.toContain(email);
});

test("the signed-in author's comment carries the Author badge and an avatar of the site's own", async ({ browser }) => {
  const author = await readerPage(browser);
  await author.goto(`${server.url}/admin`);
  await author.getByLabel("Password").fill("correct horse battery staple");
  await author.getByRole("button", { name: "Sign in" }).click();
  await expect(author.getByRole("button", { name: "Sign out" })).toBeVisible();
  await author.goto(`${server.url}${ARTICLE}`);
  const text = unique("Thanks for reading");
  await postComment(author, "Ahmad Waqar", text);
  const mine = author.locator("li.comment", { hasText: text });
  await expect(mine.locator(".comment-author-badge")).toHaveText("Author");
  // The avatar is the page's own: the initials on a colour, no picture fetched from anywhere.
  await expect(mine.locator(".comment-meta > .avatar")).toHaveText("AW");
});

test("nobody else can take the author's name: a look-alike is refused with the text kept", async ({ browser }) => {
  // Cyrillic "А", other spacing and case.
  const reader = await readerPage(browser);
  await reader.goto(`${server.url}${ARTICLE}`);
  const form = commentForm(reader);
  const attempt = unique("I am the author, trust me");
  await form.getByLabel("Name").fill("Аhmad  waqar");
  await form.getByLabel("Comment", { exact: true }).fill(attempt);
  await form.getByRole("button", { name: "Post comment" }).click();
  await expect(form.getByText("This name belongs to the site's author. Please pick another name.")).toBeVisible();
  await expect(form.getByLabel("Comment", { exact: true })).toHaveValue(attempt);
});

test("a made-up admin cookie earns neither the author's name nor the badge", async ({ browser }) => {
  const forger = await readerPage(browser);
  await forger.context().addCookies([{ name: "mg_admin", value: "admin.9999999999999.x.forged", url: server.url }]);
  await forger.goto(`${server.url}${ARTICLE}`);
  await commentForm(forger).getByLabel("Name").fill("Ahmad Waqar");
  const forged = unique("Forged");
  await commentForm(forger).getByLabel("Comment", { exact: true }).fill(forged);
  await commentForm(forger).getByRole("button", { name: "Post comment" }).click();
  await expect(commentForm(forger).getByText("This name belongs to the site's author.")).toBeVisible();
  const reader = await readerPage(browser);
  await reader.goto(`${server.url}${ARTICLE}`);
  await expect(reader.locator(".comment-body", { hasText: forged })).toHaveCount(0);
});

test("follow a discussion by email without commenting: one confirmation mail", async ({ browser }) => {
  const email = `follower.${Date.now()}@example.org`;
  const page = await readerPage(browser);
  await page.goto(`${server.url}${ARTICLE}`);
  await page.getByLabel("Follow this discussion by email").fill(email);
  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.locator("#follow-discussion-status")).toContainText("Check your mail");
  const [mail] = await mailsTo(email, 1);
  expect(mail.subject).toBe("Confirm your address for Marginalia");
  await page.getByLabel("Get new articles by email").fill("nope");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expect(page.locator("#follow-articles-status")).toContainText("That does not look like an email address.");
});

test(`a reader answers a notification from their mail program, and the reply is on the page without the quote${QUICK}`, async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const email = `margaret.${Date.now()}@example.org`;
  const margaret = await readerPage(browser);
  const text = unique("Which tests would you write first");
  await subscribe(margaret, "Margaret", email, text);
  const [confirmation] = await mailsTo(email, 1);
  await margaret.goto(linkIn(confirmation.text!, "/email/confirm"));
  await margaret.getByRole("button", { name: "Confirm my address" }).click();

  const barbara = await readerPage(browser);
  await reply(barbara, text, "Barbara", unique("The ones that fail today"));
  const [, notification] = await mailsTo(email, 2);
  expect(notification.text).toContain("Reply to this mail to answer");
  const replyTo = notification.replyTo!.value[0].address!;

  // Sent back as Gmail writes a reply (tests/fixtures/mail-in/gmail.txt), to the site's listener.
  const answer = unique("Then we agree");
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: INBOUND_PORT,
    secure: false,
    ignoreTLS: true,
  });
  await transport.sendMail({
    from: email,
    to: replyTo,
    subject: `Re: ${notification.subject}`,
    text: `${answer}\n\nOn Mon, Dec 7, 2026 at 4:20 AM Marginalia <mail@marginalia.example> wrote:\n\n> ${notification.text!.split("\n").join("\n> ")}`,
  });
  transport.close();

  await margaret.goto(`${server.url}${ARTICLE}`);
  const posted = margaret.locator("li.comment", { hasText: answer }).last();
  await expect(posted).toBeVisible();
  await expect(posted.locator(".comment-author").first()).toContainText("Margaret");
  await expect(posted).not.toContainText("wrote:");
});
