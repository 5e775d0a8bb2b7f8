import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

// WCAG 2.1 A and AA rules, colour contrast among them, in both themes.
for (const colorScheme of ["light", "dark"] as const) {
  // The technical note holds math, a diagram, numbered code, a task list and a figure.
  for (const path of [
    "/",
    "/articles/monolith-vs-microservices",
    "/articles/field-note-12",
    "/articles/field-note-02",
    "/articles/technical-note",
    "/tags",
    "/tags/next-js",
    "/authors/test-author",
    "/search?q=field",
    "/no-such-page",
    "/admin",
  ]) {
    test(`${path} in the ${colorScheme} theme has no serious or critical axe violations`, async ({ page }) => {
      await page.emulateMedia({ colorScheme });
      await page.goto(path);
      const { violations } = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      const serious = violations
        .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
        .map(
          (violation) =>
            `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
        );
      expect(serious).toEqual([]);
    });
  }
}

test("the skip link is the first stop and moves focus to the content, with a visible focus ring", async ({ page }) => {
  await page.goto("/articles/monolith-vs-microservices");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toHaveCSS("outline-style", "solid");
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  for (const landmark of ["banner", "main", "contentinfo"] as const)
    await expect(page.getByRole(landmark)).toHaveCount(1);
  await expect(page.getByRole("navigation", { name: "Site" })).toBeVisible();
});
