import { expect, QUICK, test } from "./support/test";

// The Content-Security-Policy from proxy.ts in a real browser: nothing the site itself runs is
// refused, and the page still hydrates (the theme script ran, React took over the comment form).
test(`the CSP refuses nothing of the site's own, and pages still come alive${QUICK}`, async ({ page }) => {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  const response = await page.goto("/articles/monolith-vs-microservices");
  expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
  await expect(page.locator("html")).toHaveClass(/\bjs\b/);
  await page.goto("/");
  await page.goto("/tags");
  expect(refused).toEqual([]);
});
