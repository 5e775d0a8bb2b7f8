// Why a comment waits in the moderation queue, in every language the site ships: comments held by
// the spam score, by a blocked word, by a ban with the author's note, and for being sent faster
// than people type, their flags as /admin's list words them (lib/comments/flags.ts), with no word
// of English left and no message key shown raw. Flags stored as English text by an older version
// still read as they were. And what a refused reader is told (a blocked word, a blocked domain, a
// ban), in the site's language: the form, the JSON API and the mail reply all show it.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { flagsIn } from "@/lib/comments/flags";
import { listForModeration } from "@/lib/comments/moderation";
import { addBlock, submitComment, type SubmitResult } from "@/lib/comments/service";
import { createComment } from "@/lib/comments/store";
import { siteLanguage } from "@/lib/i18n";
import { LANGUAGES } from "@/lib/i18n/languages";
import { issueFormToken } from "@/lib/server/form-token";
import { freshSqlite } from "../support/databases";
import { englishLeft } from "../support/english-left";

const SLUG = "monolith-vs-microservices";
const OLDER = "Spam score 6 (the queue starts at 5)";

describe("the moderation queue's flags and the refusals, in every language", async () => {
  const database = await freshSqlite();
  let address = 0;
  const ids: Record<"spam" | "word" | "ban" | "quick" | "older", string> = {
    spam: "",
    word: "",
    ban: "",
    quick: "",
    older: "",
  };
  afterAll(() => database.drop());
  afterEach(() => vi.unstubAllEnvs());

  const send = (body: string, from: { name?: string; browserId?: string; quick?: boolean } = {}) =>
    submitComment(
      {
        slug: SLUG,
        name: from.name ?? "Ada",
        body,
        token: issueFormToken(from.quick ? Date.now() : Date.now() - 60_000),
      },
      { ip: `10.31.0.${++address}`, browserId: from.browserId ?? null },
      database.db,
    );
  const posted = (result: SubmitResult) => {
    if (result.kind !== "posted" || !result.pending) throw new Error(`not held: ${JSON.stringify(result)}`);
    return result.id;
  };
  const block = async (kind: string, value: string, action: string, note?: string) => {
    const result = await addBlock({ kind, value, action, note }, database.db);
    if (result.kind !== "saved") throw new Error(JSON.stringify(result.errors));
  };

  beforeAll(async () => {
    // Three bare links under a name that is a web address: 2 + 4 + 2 points, over the threshold of 5.
    ids.spam = posted(await send("https://a.example https://b.example https://c.example", { name: "cheap-deals.com" }));
    await block("word", "crypto", "queue");
    ids.word = posted(await send("Crypto is the future of everything"));
    await block("browser", "browser-w31c-troll", "queue", "Troll");
    ids.ban = posted(await send("Hello again, everyone", { browserId: "browser-w31c-troll" }));
    vi.stubEnv("COMMENT_MIN_FILL_SECONDS", "3600");
    ids.quick = posted(await send("+1, same here", { quick: true }));
    vi.unstubAllEnvs();
    const older = await createComment(
      { slug: SLUG, name: "Old", body: "Held by an older version", status: "pending", flags: OLDER },
      database.db,
    );
    if (older.kind !== "created") throw new Error(older.kind);
    ids.older = older.id;
    await block("word", "casino*", "refuse");
    await block("domain", "spam.example", "refuse");
    await block("browser", "browser-w31c-refused", "refuse");
  });

  /** Each held comment's flags, as the moderation list words them in the site's language. */
  async function shown(): Promise<Record<keyof typeof ids, string[]>> {
    const { rows } = await listForModeration({ flagged: true }, { number: 1, size: 20 }, database.db);
    const { t } = siteLanguage();
    const byId = new Map(rows.map((row) => [row.id, flagsIn(t, row.flags)]));
    return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, byId.get(id)])) as Record<
      keyof typeof ids,
      string[]
    >;
  }

  /** What the reader is told for a refused word, a refused domain and a ban set to refuse. */
  async function refusals(): Promise<string[]> {
    const results = [
      await send("The best CASINOS are here"),
      await send("Go to https://spam.example now"),
      await send("Let me in", { browserId: "browser-w31c-refused" }),
    ];
    return results.map((result) =>
      result.kind === "invalid"
        ? Object.values(result.errors).flat().join(" ")
        : result.kind === "refused"
          ? result.message
          : JSON.stringify(result),
    );
  }

  it("words them in English by default", async () => {
    expect(await shown()).toEqual({
      spam: [
        "Spam score 8 (the queue starts at 5)",
        "Spam: 3 links (+2)",
        "Spam: nothing but a link (+4)",
        "Spam: a name that is a web address (+2)",
      ],
      word: ["Blocked word “crypto”"],
      ban: ["Banned browser (Troll)"],
      quick: ["Sent within 3,600 seconds of the form appearing"],
      older: [OLDER],
    });
    expect(await refusals()).toEqual([
      "“casino” is not accepted in comments here. Please rephrase.",
      "Links to spam.example are not accepted here. Please remove them.",
      "This site does not accept comments from you.",
    ]);
  });

  it("stores codes, not words", async () => {
    const row = await database.db.comment.findUniqueOrThrow({ where: { id: ids.quick } });
    expect(row.flags).toBe('{"seconds":3600,"flag":"quick"}');
  });

  it.each(LANGUAGES.filter((language) => language !== "en"))(
    "words them in %s, nothing of English left",
    async (language) => {
      vi.stubEnv("SITE_LANGUAGE", language);
      const { older, ...flags } = await shown();
      // The older version's English line is shown as it was stored.
      expect(older).toEqual([OLDER]);
      for (const [name, lines] of Object.entries(flags)) {
        expect(lines.length, name).toBeGreaterThan(0);
        // The blocked word and the ban's note are the author's own words.
        const text = lines.join("\n").replace(/crypto|Troll/g, " ");
        expect(englishLeft(text, language), `${name}: ${text}`).toEqual({ words: [], keys: [] });
      }
      const told = await refusals();
      expect(englishLeft(told.join("\n").replace(/casino|spam\.example/g, " "), language)).toEqual({
        words: [],
        keys: [],
      });
      if (language === "fr") {
        expect(flags).toEqual({
          spam: [
            "Score de spam 8 (la file commence à 5)",
            "Spam\u00a0: 3 liens (+2)",
            "Spam\u00a0: rien qu’un lien (+4)",
            "Spam\u00a0: un nom qui est une adresse web (+2)",
          ],
          word: ["Mot bloqué\u00a0: «\u00a0crypto\u00a0»"],
          ban: ["Navigateur banni (Troll)"],
          quick: ["Envoyé moins de 3\u202f600 secondes après l’affichage du formulaire"],
        });
        expect(told).toEqual([
          "«\u00a0casino\u00a0» n’est pas accepté dans les commentaires ici. Merci de reformuler.",
          "Les liens vers spam.example ne sont pas acceptés ici. Merci de les retirer.",
          "Ce site n’accepte pas vos commentaires.",
        ]);
      }
    },
  );
});
