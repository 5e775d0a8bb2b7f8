import { expect, test, type Page } from "./support/test";

const LIGHT_BG = "rgb(253, 252, 249)";
const DARK_BG = "rgb(23, 22, 20)";

// Before any page script runs, note the theme and background of the first frame the browser
// paints: a flash would show up here as the system theme.
async function recordFirstFrame(page: Page) {
  await page.addInitScript(() => {
    requestAnimationFrame(() => {
      const root = document.documentElement;
      (window as unknown as { firstFrame: object }).firstFrame = {
        theme: root.dataset.theme ?? null,
        background: getComputedStyle(root).backgroundColor,
      };
    });
  });
}

const firstFrame = (page: Page) =>
  page
    .waitForFunction(() => (window as unknown as { firstFrame?: object }).firstFrame)
    .then((handle) => handle.jsonValue());

test("the toggle switches the theme, remembers it across pages and reloads, and it never flashes", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await recordFirstFrame(page);
  await page.goto("/");
  await expect(page.locator("html")).toHaveCSS("background-color", LIGHT_BG);
  const toggle = page.getByRole("button", { name: "Dark theme" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.locator("html")).toHaveCSS("background-color", DARK_BG);

  // The server sends no theme: the head script applies the saved one before the first paint.
  const html = await (await page.request.get("/articles/monolith-vs-microservices")).text();
  expect(html).not.toContain("data-theme");
  await page.goto("/articles/monolith-vs-microservices");
  expect(await firstFrame(page)).toEqual({ theme: "dark", background: DARK_BG });
  await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "true");

  await page.getByRole("button", { name: "Dark theme" }).click();
  await page.reload();
  expect(await firstFrame(page)).toEqual({ theme: "light", background: LIGHT_BG });
});

test("without a saved choice the system theme applies from the first frame", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await recordFirstFrame(page);
  await page.goto("/tags");
  expect(await firstFrame(page)).toEqual({ theme: null, background: DARK_BG });
  await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "true");
});
