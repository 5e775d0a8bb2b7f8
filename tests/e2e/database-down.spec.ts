import { expect, test } from "@playwright/test";
import { E2E_PORT, e2eEnv, startServer } from "./support/servers";

// The same production build, started against a PostgreSQL address where nothing listens.
let server: Awaited<ReturnType<typeof startServer>>;
test.beforeAll(async () => {
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

test("the admin says moderation is unavailable, in the site's look, with a way back", async ({ page }) => {
  await page.goto(`${server.url}/admin`);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Moderation is unavailable right now");
  await expect(page.getByRole("link", { name: "the moderation page" })).toHaveAttribute("href", "/admin");
  await expect(page.locator("body")).not.toContainText(/ECONNREFUSED|Prisma|Error:|\bat \S+ \(/);
});
