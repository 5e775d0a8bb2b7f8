import { expect, QUICK, test, type Page } from "./support/test";
import { commentForm, readerPage, sendComment } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer } from "./support/servers";

// A reader's first visit: one article, a database of its own that starts empty, and steps that
// build on each other, in order.
test.describe.configure({ mode: "serial" });
let server: Awaited<ReturnType<typeof startServer>>;
test.beforeAll(async () => {
  test.setTimeout(SERVER_SETUP_MS);
  server = await startServer(E2E_PORT + 4, e2eEnv(freshSqlite("e2e-article")));
});
test.afterAll(() => server?.stop());
test.use({ baseURL: `http://127.0.0.1:${E2E_PORT + 4}` });

const ARTICLE = "/articles/monolith-vs-microservices";
const TITLE = "Monolith vs Microservices: What I Actually Prefer in My Tech Stack";

const comments = (page: Page) => page.getByRole("region", { name: /^Comments/ });

const postComment = (page: Page, name: string, body: string) => sendComment(commentForm(page), name, body);

test("the index lists the article and leads to it, with its headings and byline", async ({ page }) => {
  await page.goto("/");
  const entry = page.getByRole("listitem").filter({ hasText: TITLE });
  await expect(entry).toContainText("Ahmad Waqar");
  await expect(entry.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}$/);
  await entry.getByRole("link", { name: TITLE }).click();

  await expect(page).toHaveURL(ARTICLE);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(TITLE);
  for (const heading of [
    "1. Monolith for Simplicity (Next.js)",
    "2. Microservices for Complex Features (FastAPI)",
    "Conclusion",
  ]) {
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible();
  }
  await expect(page.locator(".prose li").first()).toContainText("Speed:");
  await expect(
    page.getByText(
      "Full-Stack Developer & Technical Writer. Passionate about building great software and sharing knowledge.",
    ),
  ).toBeVisible();
  await expect(page.locator("article header time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}$/);
});

test("a new article shows the empty comment state", async ({ page }) => {
  await page.goto(ARTICLE);
  await expect(comments(page).getByRole("heading", { name: "Comments (0)" })).toBeVisible();
  await expect(page.getByText("No comments yet. Be the first to share your thoughts!")).toBeVisible();
});

test(`a posted comment appears, is counted, and survives a reload${QUICK}`, async ({ page }) => {
  await page.goto(ARTICLE);
  await postComment(page, "Grace", "Monoliths first.\nServices when it hurts. <b>not bold</b>");
  await expect(page.getByRole("status").filter({ hasText: "Thanks! Your comment is posted." })).toBeVisible();

  const comment = comments(page).getByRole("listitem").filter({ hasText: "Grace" });
  await expect(comment).toContainText("Monoliths first.");
  await expect(comments(page).getByRole("heading", { name: "Comments (1)" })).toBeVisible();
  // Typed markup is shown as text, and the line break is kept.
  await expect(comment.locator("b")).toHaveCount(0);
  await expect(comment.locator(".comment-body")).toContainText("Services when it hurts. <b>not bold</b>");
  await expect(comment.locator(".comment-body br")).toHaveCount(1);
  await expect(comment.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
  // The body is cleared for the next comment; the name stays.
  await expect(page.getByLabel("Comment", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("Name")).toHaveValue("Grace");

  await page.reload();
  await expect(comments(page).getByRole("heading", { name: "Comments (1)" })).toBeVisible();
  await expect(comments(page).getByRole("listitem").filter({ hasText: "Grace" })).toContainText(
    "Services when it hurts.",
  );
});

test(`an empty comment shows the field's error and keeps the name${QUICK}`, async ({ page }) => {
  await page.goto(ARTICLE);
  await postComment(page, "Ada", "   ");
  await expect(page.getByText("Please write a comment.")).toBeVisible();
  await expect(page.getByLabel("Comment", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Name")).toHaveValue("Ada");
  await expect(comments(page).getByRole("heading", { name: "Comments (1)" })).toBeVisible();
});

test(`a double click posts one comment, with a pending state meanwhile${QUICK}`, async ({ page }) => {
  await page.goto(ARTICLE);
  await page.getByLabel("Name").fill("Barbara");
  await page.getByLabel("Comment", { exact: true }).fill("Clicked twice, posted once.");
  await page.getByRole("button", { name: "Post comment" }).dblclick();
  await expect(comments(page).getByRole("heading", { name: "Comments (2)" })).toBeVisible();
  await page.reload();
  await expect(comments(page).getByRole("listitem").filter({ hasText: "Clicked twice, posted once." })).toHaveCount(1);
  await expect(comments(page).getByRole("heading", { name: "Comments (2)" })).toBeVisible();
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test(`the comments show, and a plain form POST posts a comment${QUICK}`, async ({ page }) => {
    await page.goto(ARTICLE);
    await expect(comments(page).getByRole("heading", { name: "Comments (2)" })).toBeVisible();

    await postComment(page, "Linus", "Posted without a line of script.");
    await expect(page.getByRole("status").filter({ hasText: "Thanks! Your comment is posted." })).toBeVisible();
    await expect(comments(page).getByRole("listitem").filter({ hasText: "Linus" })).toContainText(
      "Posted without a line of script.",
    );
    await expect(comments(page).getByRole("heading", { name: "Comments (3)" })).toBeVisible();

    // The answer was a redirect to the comment, so reloading shows it again rather than posting it again.
    expect(new URL(page.url()).hash).toMatch(/^#comment-/);
    await page.reload();
    await expect(comments(page).getByRole("heading", { name: "Comments (3)" })).toBeVisible();
  });

  test("an invalid POST shows the error and keeps what was typed", async ({ page }) => {
    await page.goto(ARTICLE);
    await postComment(page, "", "A thought with no name.");
    await expect(page.getByText("Please enter your name.")).toBeVisible();
    await expect(page.getByLabel("Comment", { exact: true })).toHaveValue("A thought with no name.");
  });
});

test("each reader without cookies gets their own nonce and form token, and the newest comments", async ({
  browser,
}) => {
  const visit = async () => {
    const response = await fetch(`${server.url}${ARTICLE}`);
    const html = await response.text();
    return {
      nonce: /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1],
      scriptNonces: new Set([...html.matchAll(/<script[^>]* nonce="([^"]+)"/g)].map((m) => m[1])),
      token: /name="token" value="([^"]+)"/.exec(html)?.[1],
      html,
    };
  };
  const [first, second] = [await visit(), await visit()];
  for (const page of [first, second]) expect([...page.scriptNonces]).toEqual([page.nonce]);
  expect(second.nonce).not.toBe(first.nonce);
  expect(second.token).toBeTruthy();
  expect(second.token).not.toBe(first.token);
  // The router's own requests for the page get its RSC payload, never the kept HTML.
  const rsc = await fetch(`${server.url}${ARTICLE}?_rsc=x`, { headers: { rsc: "1", "next-router-prefetch": "1" } });
  expect(rsc.headers.get("content-type")).toContain("text/x-component");

  // A comment is on the page the very next reader gets. From an address of its own: the steps
  // before posted from this file's, refused posts included, which count under the rate limit.
  const page = await readerPage(browser, { baseURL: server.url });
  await page.goto(ARTICLE);
  await postComment(page, "Grace", "Seen by the next reader at once.");
  await expect(page.getByRole("status").filter({ hasText: "Thanks! Your comment is posted." })).toBeVisible();
  expect((await visit()).html).toContain("Seen by the next reader at once.");
  await page.context().close();
});
