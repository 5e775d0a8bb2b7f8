import AxeBuilder from "@axe-core/playwright";
import { expect, quickIf, test, type Page } from "./support/test";

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
    );
}

// The quick tier checks the article in the light theme and the home in the dark one; CI every page in both.
const QUICK_PAGES: Record<"light" | "dark", string[]> = { light: ["/articles/monolith-vs-microservices"], dark: ["/"] };

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
    test(`${path} in the ${colorScheme} theme has no serious or critical axe violations${quickIf(QUICK_PAGES[colorScheme].includes(path))}`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme });
      await page.goto(path);
      expect(await seriousViolations(page)).toEqual([]);
    });
  }

  // The discussion as a reader writes in it: a reply's box open and the page's own box opened.
  test(`an article with a reply open in the ${colorScheme} theme has no serious or critical axe violations`, async ({
    page,
  }) => {
    const api = "/api/articles/field-note-06/comments";
    const { token } = (await (await page.request.get(api)).json()) as { token: string };
    const posted = await page.request.post(api, {
      data: { name: "Ana Lima", body: "Inline `code`, and a block:\n\n```\nnpm start\n```", token },
      headers: { "x-forwarded-for": `10.45.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
    });
    const { id } = (await posted.json()) as { id: string };
    await page.emulateMedia({ colorScheme });
    // Loaded with its fragment (as without JavaScript): the page opens at the reply's box.
    await page.goto(`/articles/field-note-06?reply=${id}#reply-form`);
    await expect(page.locator("#reply-form textarea")).toBeInViewport();
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator("#comments-form textarea").focus();
    await expect(page.locator("#comments-form").getByLabel("Name")).toBeInViewport();
    expect(await seriousViolations(page)).toEqual([]);
  });

  // What only the signed-in author sees: the moderation list with a flagged comment, the article
  // with its moderation buttons, a deletion to confirm, and "Ban author…".
  test(`the moderation page, the article as its author and the ban form in the ${colorScheme} theme have no serious or critical axe violations`, async ({
    page,
  }) => {
    const api = "/api/articles/field-note-05/comments";
    const { token } = (await (await page.request.get(api)).json()) as { token: string };
    const posted = await page.request.post(api, {
      data: { name: "Axe", body: "https://flagged.example", token },
      headers: { "x-forwarded-for": `10.44.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
    });
    const { id } = (await posted.json()) as { id: string };
    await page.emulateMedia({ colorScheme });
    await page.goto("/admin");
    await page.getByLabel("Password").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    // The signed-in page has settled (axe once ran in a moment when it had no <title> after the sign-in).
    await expect(page).toHaveTitle(/\S/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto("/articles/field-note-05");
    await expect(page.locator("form.moderation-controls").first()).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`/articles/field-note-05?confirm=${id}#comment-${id}`);
    await expect(page.getByRole("button", { name: "Yes, delete" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`/articles/field-note-05?ban=${id}#comment-${id}`);
    await expect(page.locator("form.ban-form")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
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
