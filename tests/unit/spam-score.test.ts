import { describe, expect, it } from "vitest";
import {
  assessComment,
  BURST_COMMENTS,
  joinFlags,
  FLAGS_MAX,
  SPAM_POINTS,
  spamScore,
  textFingerprint,
  type SpamSignals,
} from "@/lib/comments/spam";
import type { BlockRule } from "@/lib/comments/blocklist";
import { flagsIn } from "@/lib/comments/flags";
import { t } from "@/lib/i18n";

// The local spam score (lib/comments/spam.ts): each signal alone, how they add up, and what the
// decision makes of the score and of the bans and blocklists. Flags are stored as codes and read
// here as the moderation queue words them, in English.

const quiet = { sameTextElsewhere: 0, recentFromAddress: 0 };
const score = (body: string, more: Partial<SpamSignals> = {}) => spamScore({ name: "Ada", body, ...quiet, ...more });
/** Flag lines as /admin shows them. */
const worded = (lines: readonly string[]) => flagsIn(t, lines.join("\n"));
const reasons = (body: string, more: Partial<SpamSignals> = {}) =>
  worded(score(body, more).reasons.map((r) => r.reason));

describe("the spam score", () => {
  it("gives an ordinary comment nothing, one link included", () => {
    expect(score("I disagree: the monolith scales further than the article says.")).toEqual({ score: 0, reasons: [] });
    expect(score("More on this in https://example.org/notes, section 3, which I wrote last year.").score).toBe(0);
  });

  it("counts each link after the first", () => {
    const body = "Three sources: [one](https://a.example), https://b.example and [three][c]\n\n[c]: https://c.example";
    expect(score(body).score).toBe(2 * SPAM_POINTS.link);
    expect(reasons(body)).toEqual(["Spam: 3 links (+2)"]);
  });

  it("notices a body of nothing but a link, written, bare or referenced", () => {
    for (const body of [
      "https://cheap-pills.example",
      "[Click here for the best deals](https://cheap-pills.example)",
      "<https://cheap-pills.example>",
      "see https://cheap-pills.example",
      "[deals][1]\n\n[1]: https://cheap-pills.example",
    ])
      expect(reasons(body), body).toContain("Spam: nothing but a link (+4)");
    expect(reasons("The fix is in https://github.com/example/repo/pull/12, merged today.")).not.toContain(
      "Spam: nothing but a link (+4)",
    );
  });

  it("counts the same text on other articles, more for two", () => {
    expect(score("Nice article", { sameTextElsewhere: 1 }).score).toBe(SPAM_POINTS.repeatedOnce);
    expect(score("Nice article", { sameTextElsewhere: 2 }).score).toBe(SPAM_POINTS.repeatedOften);
    expect(reasons("Nice article", { sameTextElsewhere: 2 })).toEqual([
      "Spam: the same text on 2 other articles within 7 days (+5)",
    ]);
    expect(reasons("Nice article", { sameTextElsewhere: 1 })).toEqual([
      "Spam: the same text on another article within 7 days (+3)",
    ]);
  });

  it("counts bursts from one address", () => {
    expect(score("Hello", { recentFromAddress: BURST_COMMENTS - 1 }).score).toBe(0);
    expect(score("Hello", { recentFromAddress: BURST_COMMENTS }).score).toBe(SPAM_POINTS.burst);
    expect(score("Hello", { recentFromAddress: 2 * BURST_COMMENTS }).score).toBe(SPAM_POINTS.burstHeavy);
    expect(reasons("Hello", { recentFromAddress: BURST_COMMENTS })).toEqual([
      "Spam: 3 other comments from this address within 10 minutes (+2)",
    ]);
  });

  it("notices look-alike letters from other scripts inside Latin words, and leaves whole Cyrillic or Greek text alone", () => {
    expect(reasons("Buy chеap vіagra now")).toEqual(["Spam: 2 words mixing look-alike letters of other scripts (+6)"]); // Cyrillic е, і
    expect(score("Buy chеap vіagra now, cheapеst vіagra").score).toBe(2 * SPAM_POINTS.lookAlikeWord); // at most 2 count
    expect(score("Отличная статья, спасибо! Ευχαριστώ πολύ.").score).toBe(0);
    expect(score("I read it on my iPhone用 yesterday").score).toBe(0);
    expect(worded(spamScore({ name: "Αdmin", body: "hi there", ...quiet }).reasons.map((r) => r.reason))).toEqual([
      "Spam: a name mixing look-alike letters of other scripts (+3)",
    ]);
  });

  it("notices styled letters and invisible characters inside words", () => {
    expect(reasons("𝐟𝐫𝐞𝐞 money here")).toContain("Spam: styled or invisible characters inside words (+2)");
    expect(reasons("ｆｒｅｅ money")).toContain("Spam: styled or invisible characters inside words (+2)");
    expect(reasons("vi\u200Bagra for all")).toContain("Spam: styled or invisible characters inside words (+2)");
    expect(reasons("A family: 👩‍👩‍👧 and café, naïve")).toEqual([]);
  });

  it("notices a name that is a web address", () => {
    expect(spamScore({ name: "best-seo-deals.com", body: "Great post", ...quiet }).score).toBe(SPAM_POINTS.nameLink);
    expect(spamScore({ name: "www.example.org", body: "Great post", ...quiet }).score).toBe(SPAM_POINTS.nameLink);
    expect(spamScore({ name: "Ada L.", body: "Great post", ...quiet }).score).toBe(0);
  });

  it("adds the signals up: a bare link said on two other articles is well over the threshold", () => {
    const { score: total, reasons: all } = score("https://cheap-pills.example", { sameTextElsewhere: 2 });
    expect(total).toBe(SPAM_POINTS.onlyLink + SPAM_POINTS.repeatedOften);
    expect(all.map((r) => r.points)).toEqual([SPAM_POINTS.onlyLink, SPAM_POINTS.repeatedOften]);
  });
});

describe("the text fingerprint", () => {
  it("is the same for the same text in another case, spacing, punctuation or look-alike spelling", () => {
    const a = textFingerprint("Great article, thanks for sharing it with us!");
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(textFingerprint("great   ARTICLE thanks for sharing it with us")).toBe(a);
    expect(textFingerprint("Grеat articlе, thanks for sharing it with us!")).toBe(a); // Cyrillic е
    expect(textFingerprint("Great article, thanks for sharing it with them!")).not.toBe(a);
  });

  it("is left out for short texts, said again honestly all the time", () => {
    expect(textFingerprint("Thanks!")).toBeNull();
    expect(textFingerprint("+1, agreed")).toBeNull();
  });
});

describe("the decision", () => {
  const rule = (kind: BlockRule["kind"], value: string, action: BlockRule["action"]): BlockRule => ({
    id: `${kind}-${value}`,
    kind,
    value,
    action,
  });
  const candidate = { name: "Ada", body: "A fair point about caching.", ip: "203.0.113.7", browserId: "browser-1234" };

  it("lets an ordinary comment pass", () => {
    expect(assessComment(candidate, quiet, [], 5)).toEqual({ kind: "pass", flags: [] });
  });

  it("sends a comment at or over the threshold to the queue, with one reason per flag", () => {
    const verdict = assessComment(
      { ...candidate, body: "https://cheap-pills.example" },
      { ...quiet, sameTextElsewhere: 1 },
      [],
      5,
    );
    expect(verdict.kind).toBe("queue");
    expect(verdict.flags[0]).toBe('{"score":7,"threshold":5,"flag":"spam-score"}');
    expect({ ...verdict, flags: worded(verdict.flags) }).toEqual({
      kind: "queue",
      flags: [
        "Spam score 7 (the queue starts at 5)",
        "Spam: nothing but a link (+4)",
        "Spam: the same text on another article within 7 days (+3)",
      ],
    });
    expect(assessComment({ ...candidate, body: "https://cheap-pills.example" }, quiet, [], 5).kind).toBe("pass");
    expect(assessComment({ ...candidate, body: "https://cheap-pills.example" }, quiet, [], 4).kind).toBe("queue");
  });

  it("skips the score at threshold 0", () => {
    expect(
      assessComment({ ...candidate, body: "https://x.example" }, { sameTextElsewhere: 2, recentFromAddress: 9 }, [], 0),
    ).toEqual({
      kind: "pass",
      flags: [],
    });
  });

  it("takes the strictest rule met: refuse over shadow over queue", () => {
    const rules = [rule("word", "caching", "queue"), rule("browser", "browser-1234", "shadow")];
    const shadow = assessComment(candidate, quiet, rules, 5);
    expect({ ...shadow, flags: worded(shadow.flags) }).toEqual({
      kind: "shadow",
      flags: ["Blocked word “caching”", "Banned browser"],
    });
    expect(assessComment(candidate, quiet, [...rules, rule("address", "203.0.113.0/24", "refuse")], 5)).toMatchObject({
      kind: "refuse",
      field: null,
      message: "This site does not accept comments from you.",
    });
  });

  it("tells a refused reader which word or domain, and in which field", () => {
    expect(assessComment(candidate, quiet, [rule("word", "caching", "refuse")], 5)).toMatchObject({
      kind: "refuse",
      field: "body",
      message: "“caching” is not accepted in comments here. Please rephrase.",
    });
    expect(
      assessComment({ ...candidate, name: "Casino King" }, quiet, [rule("word", "casino*", "refuse")], 5),
    ).toMatchObject({
      field: "name",
      message: "“casino” is not accepted in comments here. Please rephrase.",
    });
    expect(
      assessComment(
        { ...candidate, body: "See [this](https://www.spam.example/x)" },
        quiet,
        [rule("domain", "spam.example", "refuse")],
        5,
      ),
    ).toMatchObject({ field: "body", message: "Links to spam.example are not accepted here. Please remove them." });
  });

  it("a queue rule queues whatever the score, and the score's reasons join its own", () => {
    const verdict = assessComment(
      { ...candidate, body: "https://spam.example" },
      { ...quiet, sameTextElsewhere: 2 },
      [rule("domain", "spam.example", "queue")],
      5,
    );
    expect(verdict.kind).toBe("queue");
    expect(worded(verdict.flags)[0]).toBe("Blocked domain spam.example");
    expect(worded(verdict.flags)).toContain("Spam score 9 (the queue starts at 5)");
  });

  it("keeps the flags within their column", () => {
    expect(joinFlags([])).toBeNull();
    expect(joinFlags(["a", "b"])).toBe("a\nb");
    // Whole lines only: a line cut short would be neither its code nor readable.
    const many = Array.from({ length: 500 }, (_, i) => `{"value":"word ${i}","flag":"blocked-word"}`);
    const kept = joinFlags(many)!;
    expect(kept.length).toBeLessThanOrEqual(FLAGS_MAX);
    expect(kept.length).toBeGreaterThan(FLAGS_MAX - 50);
    expect(worded(kept.split("\n")).every((line) => /^Blocked word “word \d+”$/.test(line))).toBe(true);
  });
});
