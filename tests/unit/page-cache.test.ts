import { parseFragment } from "parse5";
import { beforeEach, describe, expect, it } from "vitest";
import {
  cachedPage,
  forgetPages,
  forgetPagesHere,
  MAX_BYTES,
  MAX_PAGES,
  pageAnswer,
  PLACEHOLDER,
  setBroadcast,
  templateActions,
} from "@/lib/server/page-cache";

// Every value this process puts in a template: none may reach a reader.
const PLACEHOLDER_VALUE = /mg(nonce|token|request|name|actions)[0-9a-f]{24}/;
const ANSWER = { nonce: "bm9uY2Utb2YtdGhpcy1hbnN3ZXI=", token: "token-of-this-answer" };

/** A template render as the server makes it: the first after a start has a preload Link header. */
const template =
  (status = 200, body = "") =>
  async () =>
    new Response(
      `<script nonce="${PLACEHOLDER.nonce}"></script><input name="token" value="${PLACEHOLDER.token}">${body}`,
      {
        status,
        headers: {
          "content-type": "text/html",
          link: `</_next/static/chunks/site.css>; rel=preload; as="style"; nonce="${PLACEHOLDER.nonce}"`,
        },
      },
    );

/** The clock these tests hold still: a kept page never grows older than PAGE_CACHE_SECONDS. */
const stillClock = () => Date.parse("2026-12-01T12:00:00Z");

/** Asks for `slug`, and tells whether that rendered it (rather than answering from the cache). */
async function renders(slug: string, render = template()): Promise<boolean> {
  let rendered = false;
  await cachedPage(
    slug,
    () => {
      rendered = true;
      return render();
    },
    stillClock,
  );
  return rendered;
}

beforeEach(() => forgetPages());

describe("the page cache", () => {
  it("answers with this answer's nonce and token, in the body and in every header, never the placeholders", async () => {
    // The answer that rendered the page, then one from the cache.
    for (let i = 0; i < 2; i++) {
      const entry = await cachedPage("an-article", template(), stillClock);
      const answer = pageAnswer(entry!, ANSWER);
      const body = answer.body.toString();
      expect(body).toContain(`nonce="${ANSWER.nonce}"`);
      expect(body).toContain(`value="${ANSWER.token}"`);
      expect(new Headers(answer.headers).get("link")).toContain(`nonce="${ANSWER.nonce}"`);
      for (const [name, value] of answer.headers) expect(`${name}: ${value}`).not.toMatch(PLACEHOLDER_VALUE);
      expect(body).not.toMatch(PLACEHOLDER_VALUE);
    }
  });

  it("keeps one page per article, and forgets it when its comments change", async () => {
    expect(await renders("an-article")).toBe(true);
    expect(await renders("an-article")).toBe(false);
    forgetPages("an-article");
    expect(await renders("an-article")).toBe(true);
  });

  it("does not keep a page that is not found (an unknown slug)", async () => {
    expect(await renders("no-such-article", template(404))).toBe(true);
    expect(await renders("no-such-article", template(404))).toBe(true);
  });

  it(`holds at most ${MAX_PAGES} pages, dropping the least recently served`, async () => {
    await renders("popular");
    for (let i = 0; i < MAX_PAGES; i++) {
      await renders(`article-${i}`);
      if (i % 100 === 0) expect(await renders("popular")).toBe(false);
    }
    expect(await renders("popular")).toBe(false);
    expect(await renders("article-0")).toBe(true);
  });

  it(`holds at most ${MAX_BYTES / 1024 / 1024} MB of pages`, async () => {
    const big = template(200, "x".repeat(MAX_BYTES / 3));
    for (const slug of ["big-1", "big-2", "big-3"]) await renders(slug, big);
    expect(await renders("big-1", big)).toBe(true);
    expect(await renders("big-3", big)).toBe(false);
  });
});

describe("the page cache as time passes", () => {
  /** A clock the test moves, from a fixed start; and a render that counts, of a kept or a broken page. */
  const start = Date.parse("2026-12-01T12:00:00Z");
  let at = start;
  const clock = () => at;
  let count = 0;
  let status = 200;
  const render = () => {
    count++;
    return template(status)();
  };
  beforeEach(() => {
    at = start;
    count = 0;
    status = 200;
  });

  /** Lets a render that readers did not wait for finish. */
  const settle = () => new Promise((resolve) => setTimeout(resolve));
  /** When the page a reader gets began to render, in ms since the test's start. */
  const renderedAt = async (slug: string) => (await cachedPage(slug, render, clock))!.startedAt - start;

  it("serves a page past PAGE_CACHE_SECONDS once more while its successor renders, and past a minute renders first", async () => {
    expect(await renderedAt("aging")).toBe(0);
    at += 900;
    expect(await renderedAt("aging")).toBe(0);
    expect(count).toBe(1);
    at += 200; // 1.1 s: the older page at once, the next one rendering
    expect(await renderedAt("aging")).toBe(0);
    expect(count).toBe(2);
    await settle();
    expect(await renderedAt("aging")).toBe(1_100);
    expect(count).toBe(2);
    at += 61_000; // a minute on: this reader waits for a fresh page rather than get one that old
    expect(await renderedAt("aging")).toBe(62_100);
    expect(count).toBe(3);
  });

  it("keeps the older page when a render fails, and answers those who waited with the failed one", async () => {
    await cachedPage("failing", render, clock);
    status = 500;
    at += 1_100;
    expect(await renderedAt("failing")).toBe(0);
    await settle();
    expect(await renderedAt("failing")).toBe(0); // rendered again, failed again
    expect(count).toBe(3);
    await settle();
    at += 61_000;
    const readers = await Promise.all([1, 2, 3].map(() => cachedPage("failing", render, clock)));
    expect(readers.map((page) => page?.status)).toEqual([500, 500, 500]);
    expect(count).toBe(4);
    status = 200;
    expect(await renderedAt("failing")).toBe(62_100);
    expect(await renderedAt("failing")).toBe(62_100);
    expect(count).toBe(5);
  });

  it("counts a page served past PAGE_CACHE_SECONDS as served: not the next to go when the cache is full", async () => {
    await cachedPage("popular", render, clock);
    for (let i = 1; i < MAX_PAGES; i++) await cachedPage(`article-${i}`, render, clock);
    at += 1_100;
    status = 500; // its successor fails: the older page stays
    await cachedPage("popular", render, clock);
    await settle();
    status = 200;
    await cachedPage("newcomer", render, clock);
    expect(await renderedAt("popular")).toBe(0);
    expect(await renderedAt("article-1")).toBe(1_100);
  });

  it("renders once for the readers arriving together, a not-found page too, which it does not keep", async () => {
    status = 404;
    const readers = await Promise.all([1, 2, 3].map(() => cachedPage("unknown", render, clock)));
    expect(count).toBe(1);
    expect(readers.map((page) => page?.status)).toEqual([404, 404, 404]);
    await cachedPage("unknown", render, clock);
    expect(count).toBe(2);
  });

  it("answers those who waited with a render its article's comments changed during, and keeps it not", async () => {
    const waiting = cachedPage("changing", render, clock);
    forgetPages("changing");
    expect((await waiting)?.status).toBe(200);
    await cachedPage("changing", render, clock);
    expect(count).toBe(2);
  });
});

describe("the page cache with several instances", () => {
  it("fills in each answer's request id, and keeps none of the render's own", async () => {
    const render = async () =>
      new Response(`<p data-request="${PLACEHOLDER.requestId}"></p><input value="${PLACEHOLDER.token}">`, {
        headers: { "content-type": "text/html", "x-request-id": "template-render-0001" },
      });
    for (const requestId of ["reader-request-0001", "reader-request-0002"]) {
      const answer = pageAnswer((await cachedPage("ids", render, stillClock))!, { ...ANSWER, requestId });
      const body = answer.body.toString();
      expect(body).toContain(`data-request="${requestId}"`);
      expect(body).not.toMatch(PLACEHOLDER_VALUE);
      expect(new Headers(answer.headers).get("x-request-id")).toBeNull();
    }
  });

  it("tells the other instances of each change, and hears theirs without telling again", () => {
    const told: (string | null)[] = [];
    setBroadcast((slug) => told.push(slug));
    try {
      forgetPages("an-article");
      forgetPages();
      forgetPagesHere("another-article");
      forgetPagesHere();
      expect(told).toEqual(["an-article", null]);
    } finally {
      setBroadcast(undefined);
    }
  });

  it("renders a page readers asked for at once again when another instance changed its comments", async () => {
    let count = 0;
    const render = () => {
      count++;
      return template()();
    };
    await cachedPage("busy-article", render, stillClock);
    expect(count).toBe(1);
    forgetPagesHere("busy-article", { renderAgain: true, now: stillClock });
    expect(count).toBe(2);
    await cachedPage("busy-article", render, stillClock);
    expect(count).toBe(2); // the next reader got that render
    // Without a page kept (dropped again during the render), nothing is rendered ahead.
    forgetPagesHere("busy-article");
    forgetPagesHere("busy-article", { renderAgain: true, now: stillClock });
    expect(count).toBe(2);
  });

  describe("for a reader with cookies", () => {
    // The name in the three places React writes it: the field, the no-JavaScript form's action
    // state, and the form's props in the inline payload (a JSON row inside a script's JSON string).
    const page = template(
      200,
      `<input name="name" value="${PLACEHOLDER.name}">` +
        `<input type="hidden" name="$ACTION_1:1" value="[{&quot;name&quot;:&quot;${PLACEHOLDER.name}&quot;}]">` +
        templateActions("a", 2, `O'Brien <b> & 😀`, "<div>theirs A</div>") +
        templateActions("b&c", 0, null, "<div>theirs B</div>") +
        `<script>self.__next_f.push([1,"{\\"defaultName\\":\\"${PLACEHOLDER.name}\\"}"])</script>`,
    );
    const name = `$O'Brien "<b>&amp;</b>" \\ 😀 \u2028`;

    it("gets their name in each place written as that place reads it", async () => {
      const entry = (await cachedPage("named", page, stillClock))!;
      expect(entry.personal).toBe(true);
      expect([...entry.comments]).toEqual(["a", "b&c"]);
      const body = pageAnswer(entry, { ...ANSWER, name }).body.toString();
      expect(body).not.toMatch(PLACEHOLDER_VALUE);
      // As a browser reads it.
      type Node = { nodeName: string; attrs: { name: string; value: string }[]; childNodes: { value: string }[] };
      const nodes = parseFragment(body).childNodes as unknown as Node[];
      const value = (field: string) =>
        nodes
          .find((node) => node.attrs?.some((a) => a.name === "name" && a.value === field))!
          .attrs.find((a) => a.name === "value")!.value;
      expect(value("name")).toBe(name);
      // React's encoding of a string that starts with "$" adds one more; it takes it off again.
      expect(JSON.parse(value("$ACTION_1:1"))[0].name).toBe(`$${name}`);
      const script = nodes.findLast((node) => node.nodeName === "script")!.childNodes[0].value;
      expect(script).not.toMatch(/[<>&\u2028]/); // nothing that could end the script or the string
      const [, row] = JSON.parse(script.slice("self.__next_f.push(".length, -1));
      expect(JSON.parse(row).defaultName).toBe(`$${name}`);
    });

    it("gets their own actions where they have them, and everyone else's elsewhere", async () => {
      const entry = (await cachedPage("named", page, stillClock))!;
      const asked: [string, number, string | null][] = [];
      const mine = pageAnswer(entry, {
        ...ANSWER,
        name,
        actions: ({ id, count, replyTo }) => {
          asked.push([id, count, replyTo]);
          return id === "a" ? "<div>mine</div>" : null;
        },
      });
      expect(mine.body.toString()).toContain("<div>mine</div><div>theirs B</div>");
      // Whom each Reply answers comes back as written, for their own markup to name it.
      expect(asked).toEqual([
        ["a", 2, `O'Brien <b> & 😀`],
        ["b&c", 0, null],
      ]);
      const anyone = pageAnswer(entry, ANSWER).body.toString();
      expect(anyone).toContain("<div>theirs A</div><div>theirs B</div>");
      expect(anyone).toContain('<input name="name" value="">');
      expect(anyone).not.toMatch(PLACEHOLDER_VALUE);
    });
  });
});
