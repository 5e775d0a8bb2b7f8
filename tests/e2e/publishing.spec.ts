import fs from "node:fs";
import path from "node:path";
import { expect, QUICK, test, type Page } from "./support/test";
import { E2E_CONTENT_DIR, E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer } from "./support/servers";

// Publishing without a rebuild, as an author meets it on the production build: an article file
// written into the running site's content folder is on the index and at its address moments
// later, a change replaces it, a broken change leaves the last good version up and is listed on
// /admin, and a removed file is gone; no restart in between. The server has a content folder of its
// own (a copy of the e2e content), so no other spec file meets the article.
test.describe.configure({ mode: "serial" });

const PORT = E2E_PORT + 13;
const CONTENT = "data/e2e-content-publishing";
const SLUG = "written-while-it-ran";
const FILE = path.join(CONTENT, `${SLUG}.md`);
/** Generous: a copy is read 0.3 s after it, or at the next rescan (10 s); a loaded machine renders slowly. */
const LIVE = { timeout: 30_000 };

let server: Awaited<ReturnType<typeof startServer>>;
test.beforeAll(async () => {
  test.setTimeout(SERVER_SETUP_MS);
  fs.rmSync(CONTENT, { recursive: true, force: true });
  fs.cpSync(E2E_CONTENT_DIR, CONTENT, { recursive: true });
  server = await startServer(PORT, e2eEnv(freshSqlite("e2e-publishing"), { CONTENT_DIR: CONTENT }));
});
test.afterAll(() => {
  server?.stop();
  fs.rmSync(CONTENT, { recursive: true, force: true });
});
test.use({ baseURL: `http://127.0.0.1:${PORT}` });

const today = new Date().toISOString().slice(0, 10);
const article = (title: string, body: string, date = today) =>
  `---\ntitle: ${title}\ndescription: Published without a rebuild.\nauthor: Ahmad Waqar\ndate: ${date}\ntags: [Live]\n---\n\n${body}\n`;

/** Writes the article as rsync would: under a temporary name, then renamed into place. */
function copyIn(text: string): void {
  const temporary = path.join(CONTENT, `.${SLUG}.md.partial`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, FILE);
}

/** Loads `address` again until `check` passes: the change is read a moment after the copy. */
async function once(page: Page, address: string, check: () => Promise<void>): Promise<void> {
  await expect(async () => {
    await page.goto(address);
    await check();
  }).toPass(LIVE);
}

test(`a new article file is on the index and at its address, without a restart${QUICK}`, async ({ page }) => {
  expect((await page.goto(`/articles/${SLUG}`))?.status()).toBe(404);
  copyIn(article("Written while it ran", "Words that arrived after the build."));
  await once(page, "/", () =>
    expect(page.getByRole("link", { name: "Written while it ran", exact: true })).toBeVisible({ timeout: 500 }),
  );
  await page.getByRole("link", { name: "Written while it ran", exact: true }).click();
  await expect(page).toHaveURL(`/articles/${SLUG}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Written while it ran");
  await expect(page.getByText("Words that arrived after the build.")).toBeVisible();
});

test("a change replaces it; a broken change leaves it up and is listed on /admin", async ({ page }) => {
  copyIn(article("Written while it ran, revised", "Words changed while it ran."));
  await once(page, `/articles/${SLUG}`, () =>
    expect(page.getByRole("heading", { level: 1 })).toHaveText("Written while it ran, revised", { timeout: 500 }),
  );
  await expect(page.getByText("Words changed while it ran.")).toBeVisible();

  await page.goto("/admin");
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  copyIn(article("Written while it ran, broken", "Half-written words.", "2026-02-31"));
  const panel = page.getByRole("region", { name: "Content", exact: true });
  await once(page, "/admin", () => expect(panel).toContainText(`${SLUG}.md`, { timeout: 500 }));
  await expect(panel).toContainText("its last good version stays up");
  await expect(panel).toContainText(`${SLUG}.md:5: field "date": must be a date written YYYY-MM-DD`);

  await page.goto(`/articles/${SLUG}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Written while it ran, revised");
  await expect(page.getByText("Half-written words.")).toHaveCount(0);
});

test("a removed file is gone from its address and the index", async ({ page }) => {
  fs.rmSync(FILE);
  await expect(async () => {
    expect((await page.goto(`/articles/${SLUG}`))?.status()).toBe(404);
  }).toPass(LIVE);
  await page.goto("/");
  await expect(page.getByRole("link", { name: /Written while it ran/ })).toHaveCount(0);
});

test("an icon written into content/ is the tab's icon, the header's logo and /favicon.ico at once; removed, the mark is back", async ({
  page,
  request,
}) => {
  const icon = path.join(CONTENT, "icon.png");
  const bytes = fs.readFileSync(path.join(CONTENT, "images", "bars.png"));
  const logo = page.locator(".site-header .site-logo");
  expect((await request.get("/favicon.ico")).headers()["content-type"]).toBe("image/x-icon");
  await page.goto("/");
  await expect(page.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute("href", "/icons/marginalia.svg");

  fs.writeFileSync(icon, bytes);
  // The home page is kept by the page cache for readers without cookies: it is rendered again.
  await once(page, "/", () =>
    expect(page.locator('link[rel="icon"][type="image/png"]')).toHaveAttribute(
      "href",
      /^\/media\/~[0-9a-f]{12}\/icon\.png$/,
      { timeout: 500 },
    ),
  );
  const href = await page.locator('link[rel="icon"][type="image/png"]').getAttribute("href");
  await expect(logo).toHaveAttribute("src", href!);
  expect((await request.get(href!)).status()).toBe(200);
  // Tools that ask for /favicon.ico get the same picture, wrapped as an ICO.
  const ico = await (await request.get("/favicon.ico")).body();
  expect(ico.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  expect(ico.subarray(22)).toEqual(bytes);

  fs.rmSync(icon);
  await once(page, "/", () =>
    expect(page.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute("href", "/icons/marginalia.svg", {
      timeout: 500,
    }),
  );
  await expect(logo).not.toHaveAttribute("src", /.*/);
});
