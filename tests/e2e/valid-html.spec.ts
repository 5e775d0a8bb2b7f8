// The Nu HTML Checker (vnu-jar) on the pages readers see, as the production server answers them:
// the home, an article with comments (the page kept for everyone, and as a commenter sees it: their
// 👍 pressed, a reply form open, their edit form open), tags, search results and the author page;
// then what the signed-in author sees: /admin (its sign-in form, the list, a deletion to confirm)
// and the article with its moderation buttons, a deletion and a ban to confirm.
// Each page is saved as served and the checker runs once on all of them; every error is printed
// with its page, line and column. Mail is on (SMTP_URL, though nothing is queued, so nothing is
// sent): the pages carry the subscribe and follow forms too. Skipped, saying why, without Java.
import { expect, QUICK, test, type APIRequestContext, type Page } from "./support/test";
import { postComment, readerPage, unique } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer, type RunningServer } from "./support/servers";
import { noJava, nuHtmlErrors } from "./support/nu-html";
import { articlePath, authorPath, commentsApiPath, tagPath } from "@/lib/routes";

const SLUG = "monolith-vs-microservices";
const ADMIN_PASSWORD = "correct horse battery staple";
const ARTICLE = articlePath(SLUG);
const PORT = E2E_PORT + 11;

test.skip(noJava !== null, noJava ?? "");

let server: RunningServer;
test.beforeAll(async () => {
  test.setTimeout(SERVER_SETUP_MS);
  const database = freshSqlite("e2e-valid-html");
  // Port 9 (discard): no mail is queued here, so nothing ever connects to it.
  server = await startServer(PORT, e2eEnv(database, { SMTP_URL: "smtp://127.0.0.1:9" }), "data/e2e-valid-html.log");
});
test.afterAll(() => server?.stop());
test.use({ baseURL: `http://127.0.0.1:${PORT}` });

/** Posts a comment through the JSON API from an address of its own (the limit is per address); its id. */
async function seed(request: APIRequestContext, address: string, name: string, body: string, parentId?: string) {
  const api = commentsApiPath(SLUG);
  const headers = { "x-forwarded-for": address };
  const { token } = (await (await request.get(api, { headers })).json()) as { token: string };
  const posted = await request.post(api, { headers, data: { name, body, token, parentId } });
  expect(posted.status(), await posted.text()).toBe(201);
  return ((await posted.json()) as { id: string }).id;
}

/**
 * A thread worth checking: code (inline and a block wider than the column), a link, a quote, a
 * list, a reply and a 👍; then a reader without JavaScript who posts, and gives a 👍. Their page.
 */
async function discussion(request: APIRequestContext, page: Page): Promise<{ opening: string; own: string }> {
  const code = "Use `npm start`, or:\n\n```\nnode --import tsx server.ts " + "--flag ".repeat(30) + "\n```";
  const opening = await seed(
    request,
    "10.61.0.1",
    "Ada",
    `${code}\n\n> quoted\n\n- one\n- [a link](https://a.example)`,
  );
  const liked = unique("Grace's point");
  await seed(request, "10.61.0.2", "Grace", liked);
  await seed(request, "10.61.0.3", "Linus", "A reply with `code`.", opening);
  await page.goto(ARTICLE);
  await postComment(page, "Reader", unique("Posted without script"));
  const own = new URL(page.url()).searchParams.get("posted")!;
  const likedComment = page.locator("li.comment").filter({ has: page.locator(".comment-body", { hasText: liked }) });
  await likedComment.getByRole("button", { name: "Thumbs up", exact: true }).click();
  await expect(likedComment.getByRole("button", { name: "Thumbs up 1", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  return { opening, own };
}

test(`the home, an article with its discussion, tags, search, the author page and /admin are valid HTML${QUICK}`, async ({
  browser,
  request,
}) => {
  // Beyond the posts and pages, the checker: a Java start-up, slow on a busy machine.
  test.setTimeout(150_000);
  const reader = await readerPage(browser, { baseURL: server.url, javaScriptEnabled: false });
  const { opening, own } = await discussion(request, reader);

  const author = await readerPage(browser, { baseURL: server.url });
  const pages = new Map<string, string>();
  /** Saves a page as served, checking first that it is the page meant (not an error page). */
  const save = async (client: APIRequestContext, url: string, mustHold: string) => {
    const response = await client.get(url);
    const html = await response.text();
    expect(response.status(), url).toBe(200);
    expect(html, `${url} should hold ${mustHold}`).toContain(mustHold);
    const who = client === request ? "" : client === author.request ? " (as the author)" : " (as its commenter)";
    pages.set(`${url}${who}`, html);
  };
  await save(request, "/", 'class="follow-form"');
  await save(request, ARTICLE, '<pre tabindex="0"');
  await save(reader.request, ARTICLE, 'aria-pressed="true"');
  // What the no-JavaScript Reply and Edit links open (their fragments stay in the browser).
  await save(reader.request, `${ARTICLE}?reply=${opening}`, 'id="reply-form"');
  await save(reader.request, `${ARTICLE}?edit=${own}`, "edit-form");
  await save(request, "/page/2", 'class="pagination');
  await save(request, "/tags", tagPath("field notes"));
  await save(request, tagPath("field notes"), "Field note");
  await save(request, "/search?q=field", "Field note");
  await save(request, authorPath("Test Author"), "Test Author");

  await save(author.request, "/admin", 'id="admin-password"');
  await author.goto("/admin");
  await author.getByLabel("Password").fill(ADMIN_PASSWORD);
  await author.getByRole("button", { name: "Sign in" }).click();
  await expect(author.getByRole("button", { name: "Sign out" })).toBeVisible();
  await save(author.request, "/admin", "Sign out");
  await save(author.request, `/admin?confirm=${opening}`, 'id="confirm-delete"');
  await save(author.request, ARTICLE, 'class="moderation-controls"');
  await save(author.request, `${ARTICLE}?confirm=${opening}`, "Yes, delete");
  await save(author.request, `${ARTICLE}?ban=${opening}`, "ban-form");

  const errors = nuHtmlErrors(pages);
  if (errors.length) console.log(`The Nu HTML Checker found ${errors.length} error(s):\n${errors.join("\n")}`);
  expect(errors).toEqual([]);
});
