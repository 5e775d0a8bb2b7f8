import { expect, test } from "./support/test";
import { sign } from "@/lib/server/signing";
import { E2E_PORT, e2eEnv, SERVER_SETUP_MS, startServer } from "./support/servers";

// Signs the admin cookie below as the server would (it cannot tell whether the session exists:
// the database is away).
process.env.COOKIE_SECRET = e2eEnv("").COOKIE_SECRET;

// The same production build, started against a PostgreSQL address where nothing listens.
let server: Awaited<ReturnType<typeof startServer>>;
test.beforeAll(async () => {
  test.setTimeout(SERVER_SETUP_MS);
  server = await startServer(E2E_PORT + 1, e2eEnv("postgres://postgres@127.0.0.1:9/unreachable"));
});
test.afterAll(() => server?.stop());

test("the article still reads, and comments say they are unavailable", async ({ page }) => {
  const response = await page.goto(`${server.url}/articles/monolith-vs-microservices`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Monolith vs Microservices/);
  await expect(page.getByRole("heading", { level: 2, name: "Conclusion" })).toBeVisible();
  await expect(page.getByText("Comments are unavailable right now.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Post comment" })).toHaveCount(0);
  // No stack trace or driver message reaches the reader.
  await expect(page.locator("body")).not.toContainText(/ECONNREFUSED|Prisma|Error:|\bat \S+ \(/);
});

test(`the admin says moderation is unavailable, in the site's look, with a way back`, async ({ page }) => {
  await page.goto(`${server.url}/admin`);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Moderation is unavailable right now");
  await expect(page.getByRole("link", { name: "the moderation page" })).toHaveAttribute("href", "/admin");
  await expect(page.locator("body")).not.toContainText(/ECONNREFUSED|Prisma|Error:|\bat \S+ \(/);
});

test(`an error page shows its request's id as the reference, the one the log has`, async ({ page }) => {
  // A session cookie makes /admin ask the database, which is away: the page fails to render.
  await page.context().addCookies([{ name: "mg_admin", value: sign("some-session"), url: server.url }]);
  const own = await page.goto(`${server.url}/admin`);
  expect(own?.status()).toBe(500);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Moderation is unavailable right now");
  const id = own?.headers()["x-request-id"] ?? "";
  expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  await expect(page.getByText(`Reference: ${id}`)).toBeVisible();

  // The id a proxy in front gave the request (nginx's $request_id), when well formed; never markup.
  await page.setExtraHTTPHeaders({ "x-request-id": "0123456789abcdef0123456789abcdef" });
  await page.goto(`${server.url}/admin`);
  await expect(page.getByText("Reference: 0123456789abcdef0123456789abcdef")).toBeVisible();
  await page.setExtraHTTPHeaders({ "x-request-id": "<b>forged</b>" });
  const forged = await page.goto(`${server.url}/admin`);
  const replaced = forged?.headers()["x-request-id"] ?? "";
  expect(replaced).toMatch(/^[A-Za-z0-9_-]{16}$/);
  await expect(page.getByText(`Reference: ${replaced}`)).toBeVisible();
  await expect(page.locator("body")).not.toContainText("forged");
});
