// The import report in every language the site ships: what the author reads on /admin after an
// import of a file with broken records (why each was skipped, changed or refused, where it is and
// which field), a refused mapping and a failed job, with no word of English left and no message
// key shown raw. The file's own names and values (ids, quoted values, URLs) are taken out first.
// A report stored by an older version, its reasons plain English, still reads. So do the flags an
// imported comment is held for review with, as the moderation queue shows them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { flagsIn } from "@/lib/comments/flags";
import { say } from "@/lib/comments/import/message";
import { parseMapFile } from "@/lib/comments/import/paths";
import { formatJobError, formatReport, listedLine, storedJobError } from "@/lib/comments/import/report";
import { emptyReport, importFile, type ImportReport } from "@/lib/comments/import/run";
import { ImportFileError, type ImportFormat } from "@/lib/comments/import/source";
import { listForModeration } from "@/lib/comments/moderation";
import { siteLanguage } from "@/lib/i18n";
import { LANGUAGES } from "@/lib/i18n/languages";
import { articlePath } from "@/lib/routes";
import { freshSqlite } from "../support/databases";
import { englishLeft } from "../support/english-left";

const SLUG = "monolith-vs-microservices";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-import-languages-"));
const now = new Date("2026-01-01T00:00:00Z");

const post = (id: string, more: { thread?: string; parent?: string; date?: string; message?: string }) =>
  `<post dsq:id="${id}"><message>${more.message ?? "Hello"}</message><createdAt>${more.date ?? "2014-03-02T10:00:00Z"}</createdAt>` +
  `<author><name>Ada</name></author><thread dsq:id="${more.thread ?? "1"}" />${more.parent ? `<parent dsq:id="${more.parent}" />` : ""}</post>`;

/** A Disqus export with a record of each kind of trouble. */
const DISQUS = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://old.example/articles/${SLUG}/</link></thread>
${post("a", {})}
${post("b", { date: "yesterday" })}
${post("c", { parent: "zzz" })}
${post("a", {})}
${post("e", { thread: "77" })}
${post("f", { message: "" })}
${post("g", { date: "1970-01-01T00:00:00Z" })}
</disqus>`;

/** A Remark42 backup: a field of the wrong type, a line that is not JSON, a block that has ended. */
const REMARK42 = [
  JSON.stringify({ version: 1, users: [{ id: "u1", blocked: { status: true, until: "2020-01-01T00:00:00Z" } }] }),
  JSON.stringify({ id: "r1", user: { name: "Bo", id: "u1" }, locator: { url: articlePath(SLUG) }, time: 5 }),
  JSON.stringify({ id: "r2", user: { name: "Bo", id: "u1" }, locator: { url: articlePath(SLUG) } }),
  JSON.stringify({
    id: "r3",
    orig: "Hi",
    user: { name: "Bo", id: "u1" },
    locator: { url: articlePath(SLUG) },
    time: "2019-05-01T11:00:00Z",
  }),
  "{not json",
].join("\n");

const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The report with the file's own words taken out: quoted values, ids, URLs, element names. */
const interfaceWords = (text: string) =>
  text
    .replace(/"[^"\n]*"/g, " ")
    .replace(/\b(?:dsq:id|id|comment_type)=|https?:\S+|\/articles\/\S+/g, " ")
    .replace(/\b(?:post|comment|user|thread|disqus|remark42|isso|wordpress)\b/gi, " ");

describe("the import report", async () => {
  const database = await freshSqlite();
  afterAll(() => database.drop());
  afterEach(() => vi.unstubAllEnvs());

  const run = (format: ImportFormat, file: string, strict = false) =>
    importFile({ format, file, slugs: new Set([SLUG]), now, dryRun: true, strict }, database.db);

  /** Everything the author may read about an import, in the site's language. */
  async function everything(): Promise<string> {
    const reports: ImportReport[] = [
      await run("disqus", write("broken.xml", DISQUS)),
      await run("disqus", write("strict.xml", DISQUS), true),
      await run("remark42", write("broken.jsonl", REMARK42)),
      await run("remark42", write("empty.jsonl", "")),
    ];
    let mapping = "";
    try {
      parseMapFile("/a -> /b -> /c");
    } catch (error) {
      mapping = listedLine(error as ImportFileError);
    }
    const failed = [
      formatJobError(storedJobError(say("admin.import.notStored"))),
      formatJobError(
        storedJobError(
          new ImportFileError(say("admin.import.record.file"), "encoding", say("admin.import.why.emptyFile")),
        ),
      ),
    ];
    return [...reports.map(formatReport), mapping, ...failed].join("\n");
  }

  it("names every broken record's trouble, in English by default", async () => {
    const text = await everything();
    for (const said of [
      'post dsq:id="b" (line 5): date: is not a date: "yesterday"',
      'post dsq:id="c" (line 6): parent: names "zzz", which is not in the file: kept as a comment of its own',
      'post dsq:id="a" (line 7): id: appears twice in the file',
      'post dsq:id="e" (line 8): thread: names thread "77", which the file does not define before it',
      'post dsq:id="f" (line 9): body: is empty',
      "date: is before 1990 or in the future",
      'comment id="r1" (line 2): time: must be text',
      'comment id="r2" (line 3): time: is missing',
      "line 5: json: is not JSON",
      "Blocked in Remark42 (u1); its end, 2020-01-01, had passed",
      "the file: version: the file is empty",
      'URL mapping, line 1: map: more than one ->, in "/a -> /b -> /c"',
      "The import could not be stored; nothing was changed.",
    ])
      expect(text).toContain(said);
  });

  it.each(LANGUAGES.filter((language) => language !== "en"))(
    "reads in %s, nothing of English left",
    async (language) => {
      vi.stubEnv("SITE_LANGUAGE", language);
      const text = await everything();
      expect(englishLeft(interfaceWords(text), language)).toEqual({ words: [], keys: [] });
      if (language === "fr") {
        expect(text).toContain('date\u00a0: n’est pas une date\u00a0: "yesterday"');
        expect(text).toContain("le fichier\u00a0: version\u00a0: le fichier est vide");
      }
    },
  );

  it("shows a report stored by an older version, its reasons plain strings, as it was", () => {
    vi.stubEnv("SITE_LANGUAGE", "fr");
    const old: ImportReport = {
      ...emptyReport({ format: "disqus" }),
      skipped: [{ record: 'post dsq:id="3" (line 9)', field: "date", reason: "is before 1990 or in the future" }],
      skippedBy: { invalid: 1 },
      skippedCount: 1,
      bans: [{ name: "Bo", until: null, note: "Blocked in Remark42 (u1)" }],
    };
    const text = formatReport(old);
    expect(text).toContain('post dsq:id="3" (line 9)\u00a0: date\u00a0: is before 1990 or in the future');
    expect(text).toContain("Blocked in Remark42 (u1)");
    expect(formatJobError("line 3: xml: not well-formed XML")).toBe("line 3: xml: not well-formed XML");
  });
});

/** A Disqus export whose one comment is longer than a comment may be, with more links than one may hold. */
const OVERSIZED = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://old.example/articles/${SLUG}/</link></thread>
${post("long", { message: `${"word ".repeat(1_100)}${Array.from({ length: 6 }, (_, i) => `https://link${i}.example/`).join(" ")}` })}
</disqus>`;

describe("an imported comment held for review", async () => {
  const database = await freshSqlite();
  afterAll(() => database.drop());
  afterEach(() => vi.unstubAllEnvs());

  /** The flags of the queue's imported comment, as /admin's moderation list words them. */
  const shown = async () => {
    const { rows } = await listForModeration({ flagged: true }, { number: 1, size: 20 }, database.db);
    expect(rows).toHaveLength(1);
    return flagsIn(siteLanguage().t, rows[0].flags);
  };

  it("is imported, pending, its flags kept as codes", async () => {
    const file = write("oversized.xml", OVERSIZED);
    const report = await importFile(
      { format: "disqus", file, slugs: new Set([SLUG]), now, dryRun: false, strict: false },
      database.db,
    );
    expect(report.flagged).toBe(1);
    const { rows } = await listForModeration({ flagged: true }, { number: 1, size: 20 }, database.db);
    expect(rows.map((row) => row.status)).toEqual(["pending"]);
    expect(rows[0].flags).not.toMatch(/Imported/);
  });

  it("says why in English by default", async () => {
    expect(await shown()).toEqual(["Imported: longer than 5,000 characters", "Imported: more than 5 links"]);
  });

  it.each(LANGUAGES.filter((language) => language !== "en"))(
    "says why in %s, nothing of English left",
    async (language) => {
      vi.stubEnv("SITE_LANGUAGE", language);
      const flags = await shown();
      expect(flags).toHaveLength(2);
      expect(englishLeft(flags.join("\n"), language)).toEqual({ words: [], keys: [] });
      if (language === "fr")
        expect(flags).toEqual(["Importé\u00a0: plus de 5\u202f000 caractères", "Importé\u00a0: plus de 5 liens"]);
    },
  );

  it("shows a flag stored as English text by an older version as it was", async () => {
    vi.stubEnv("SITE_LANGUAGE", "fr");
    const stored = ["Imported: longer than 5,000 characters", '{"max":5,"flag":"imported-links"}'].join("\n");
    expect(flagsIn(siteLanguage().t, stored)).toEqual([
      "Imported: longer than 5,000 characters",
      "Importé\u00a0: plus de 5 liens",
    ]);
  });
});
