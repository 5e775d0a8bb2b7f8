import path from "node:path";
import { expect, test, type Page } from "./support/test";
import { readerPage } from "./support/comments";

// An import from another comment system, from /admin without JavaScript: the upload is answered
// at once with the job's page, which refreshes itself (a meta refresh) until the report shows.
// A dry run, so the shared database is left as it was.

const PASSWORD = "correct horse battery staple";
const DISQUS = path.resolve(import.meta.dirname, "../fixtures/import/disqus.xml");

async function signIn(page: Page) {
  await page.goto("/admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

test("a dry run from /admin runs as a job and its page shows the report, without JavaScript", async ({ browser }) => {
  const admin = await readerPage(browser, { javaScriptEnabled: false });
  await signIn(admin);
  await admin.getByLabel("Export of").selectOption("disqus");
  await admin.getByLabel("File", { exact: true }).setInputFiles(DISQUS);
  await expect(admin.getByLabel(/Dry run/)).toBeChecked();
  await admin.getByRole("button", { name: "Import comments" }).click();

  await expect(admin).toHaveURL(/\/admin\/import-comments\/[0-9a-f-]{36}$/);
  // "Import running" first when the machine is slow; the page refreshes itself until it is done.
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Import: a dry run", { timeout: 15_000 });
  await expect(admin.locator("pre.import-report")).toContainText("Would import from disqus: 9 comments read");
  // The fixture's spam and its deleted comment without replies are skipped, and the report says so.
  await expect(admin.locator("pre.import-report")).toContainText("/articles/monolith-vs-microservices: 6");
  await expect(admin.locator("pre.import-report")).toContainText("1 spam in the old system");

  await admin.getByRole("link", { name: "Back to moderation" }).click();
  const latest = admin.locator("ol.import-jobs li").first();
  await expect(latest).toContainText("Dry run of disqus.xml (disqus)");
  await expect(latest).toContainText("done");
  await latest.getByRole("link").click();
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Import: a dry run");
});
