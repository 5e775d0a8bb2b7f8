// Signing in to /admin as the author does, through the login form, for the reliability suite.

/** The hidden fields of the form whose markup starts at `from` in `html` (React's action fields among them). */
export function hiddenFields(html: string, from: string): Record<string, string> {
  const start = html.indexOf(from);
  const form = html.slice(start, html.indexOf("</form>", start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g))
    fields[m[1]] = (m[2] ?? "").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  return fields;
}

/** The login form sent with `password`; the answer, whose Set-Cookie carries the session. */
export async function signInAdmin(base: string, password: string, forwardedFor: string): Promise<Response> {
  const loginPage = await (await fetch(`${base}/admin`)).text();
  const login = new FormData();
  for (const [name, value] of Object.entries(hiddenFields(loginPage, '<form class="comment-form login-form"')))
    login.set(name, value);
  login.set("password", password);
  return fetch(`${base}/admin`, {
    method: "POST",
    body: login,
    headers: { origin: base, "x-forwarded-for": forwardedFor },
    redirect: "manual",
  });
}

/** The session cookie a sign-in's answer sets, whole (with its attributes). */
export const sessionSetCookie = (answer: Response) =>
  answer.headers.getSetCookie().find((c) => c.startsWith("mg_admin="));
