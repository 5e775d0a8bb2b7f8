// What the comment tests share: a reader's address, unique text, and posting through the form.
import { expect, type Browser, type Locator, type Page } from "./test";

// Random, so a retried worker does not reuse an address another test's lock-out or limit holds.
const byte = () => Math.floor(Math.random() * 256);
const freshAddress = () => `10.${byte()}.${byte()}.${byte()}`;

/**
 * A page in a browser of its own (no cookies), posting from an address of its own, so the
 * per-address rate limit and lock-outs meet only the test that is about them.
 */
export async function readerPage(
  browser: Browser,
  options: { baseURL?: string; javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const context = await browser.newContext({ ...options, extraHTTPHeaders: { "x-forwarded-for": freshAddress() } });
  return context.newPage();
}

export const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;

/** The page's own comment box, at the top of the discussion (a reply's opens under its comment). */
export const commentForm = (page: Page) => page.locator("#comments-form");

/** Fills in a comment form and sends it, without waiting for the answer. */
export async function sendComment(form: Locator, name: string, body: string): Promise<void> {
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Comment", { exact: true }).fill(body);
  await form.getByRole("button", { name: "Post comment" }).click();
}

/** Posts a comment and waits until the form says it is stored (its body empties only then). */
export async function postComment(page: Page, name: string, body: string, form = commentForm(page)): Promise<void> {
  await sendComment(form, name, body);
  await expect(form.getByLabel("Comment", { exact: true })).toHaveValue("");
  await expect(form.getByRole("status")).toContainText("Thanks!");
}
