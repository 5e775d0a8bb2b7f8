import { expect, test, type Page } from "@playwright/test";
import { E2E_PORT } from "./support/servers";

// Screenshots of the pages readers see most, at a phone's and a laptop's width, in both themes,
// compared with the baselines in visual.spec.ts-snapshots/. After a deliberate design change:
//   E2E_SKIP_BUILD=1 npx playwright test tests/e2e/visual.spec.ts --update-snapshots
// then look at the new PNGs before committing them. The fonts are self-hosted, so the pictures do
// not depend on the machine's fonts. What changes from run to run (comment counts and times that
// other tests move) is masked.

const THREAD_ARTICLE = "/articles/field-note-10";
const API = `/api/articles/field-note-10/comments`;

async function post(page: Page, name: string, body: string, parentId?: string): Promise<string> {
  const { token } = (await (await page.request.get(API)).json()) as { token: string };
  const response = await page.request.post(API, {
    data: { name, body, parentId, token },
    headers: { "x-forwarded-for": `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
  });
  const json = (await response.json()) as { comment?: { id: string }; id?: string };
  return json.comment?.id ?? json.id ?? "";
}

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage({ baseURL: `http://127.0.0.1:${E2E_PORT}` });
  const existing = (await (await page.request.get(API)).json()) as { count?: number; comments?: unknown[] };
  if ((existing.count ?? existing.comments?.length ?? 0) === 0) {
    const first = await post(
      page,
      "Grace",
      "Two paragraphs, to show their spacing.\n\nThe second one, with `code` and a list:\n\n- one\n- two",
    );
    const reply = await post(page, "Linus", "A reply, on the thread line.", first);
    await post(page, "Ada", "A reply to the reply.", reply);
  }
  await page.close();
});

const pages: [name: string, path: string, open?: (page: Page) => Promise<void>][] = [
  ["index", "/"],
  ["article-thread", THREAD_ARTICLE],
  [
    "comment-form-error",
    THREAD_ARTICLE,
    async (page) => {
      await page.locator("form.comment-form").last().getByRole("button", { name: "Post comment" }).click();
      await expect(page.locator(".field-error").first()).toBeVisible();
    },
  ],
  ["tag", "/tags/next-js"],
  ["search", "/search?q=zebra"],
  ["not-found", "/no-such-page"],
  ["admin", "/admin"],
];

for (const width of [375, 1280]) {
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [name, path, open] of pages) {
      test(`${name} at ${width}px, ${colorScheme}`, async ({ page }) => {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
        await page.goto(path);
        await page.evaluate(() => document.fonts.ready);
        await open?.(page);
        // Comment counts and times move as other tests post: masked.
        const options = {
          animations: "disabled" as const,
          mask: [
            page.locator('.article-list a[href$="#comments"]'),
            page.locator(".comment-permalink time"),
            page.locator("h2#comments-heading"),
          ],
          maxDiffPixelRatio: 0.01,
        };
        const file = `${name}-${width}-${colorScheme}.png`;
        if (name === "comment-form-error")
          await expect(page.locator("form.comment-form").last()).toHaveScreenshot(file, options);
        else await expect(page).toHaveScreenshot(file, { ...options, fullPage: true });
      });
    }
  }
}
