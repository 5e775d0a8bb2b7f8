import { spawn, type ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";

// The same production build, started against a PostgreSQL address where nothing listens.
const PORT = Number(process.env.E2E_PORT ?? 3210) + 1;
const BASE = `http://127.0.0.1:${PORT}`;
let server: ChildProcess;

test.beforeAll(async () => {
  server = spawn("npx", ["next", "start", "--hostname", "127.0.0.1", "--port", String(PORT)], {
    env: { ...process.env, DATABASE_URL: "postgres://postgres@127.0.0.1:9/unreachable" },
    stdio: "ignore",
    // Its own process group, so the next-server that npx starts stops with it.
    detached: true,
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await fetch(BASE).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the second server did not start");
});

test.afterAll(() => {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
});

test("the article still reads, and comments say they are unavailable", async ({ page }) => {
  const response = await page.goto(`${BASE}/articles/monolith-vs-microservices`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Monolith vs Microservices/);
  await expect(page.getByRole("heading", { level: 2, name: "Conclusion" })).toBeVisible();
  await expect(page.getByText("Comments are unavailable right now.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Post comment" })).toHaveCount(0);
  // No stack trace or driver message reaches the reader.
  await expect(page.locator("body")).not.toContainText(/ECONNREFUSED|Prisma|Error:|\bat \S+ \(/);
});
