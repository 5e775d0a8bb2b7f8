import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { shipped } from "@/lib/i18n/catalogs";
import { overrides } from "@/lib/i18n/overrides";
import { LANGUAGES, type Language } from "@/lib/i18n/languages";
import { en, type MessageKey } from "@/lib/i18n/messages/en";
import { translator } from "@/lib/i18n/translate";

// Every catalog says every message of the English one, no other, each a valid ICU message with
// the same arguments (a translation that drops {count} or renames {name} shows the wrong thing),
// and its plurals give every form its language has for a count of things.

type Node = { type: number; value?: string; options?: Record<string, { value: Node[] }> };

// intl-messageformat's node types: 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural.
const KINDS: Record<number, string> = { 1: "text", 2: "number", 3: "date", 4: "time", 5: "select", 6: "plural" };

function parse(message: string, locale: string): Node[] {
  return new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst() as Node[];
}

/** The arguments a message uses, and the choices of its plurals and selects. */
function walk(nodes: Node[], found: { args: Map<string, string>; plurals: string[][]; selects: string[][] }) {
  for (const node of nodes) {
    const kind = KINDS[node.type];
    if (!kind || !node.value) continue;
    // A plain {count} inside a plural is the same number: the argument is the plural's.
    if (!(kind === "text" && found.args.get(node.value) === "plural")) found.args.set(node.value, kind);
    if (node.options) {
      (kind === "plural" ? found.plurals : found.selects).push(Object.keys(node.options));
      for (const option of Object.values(node.options)) walk(option.value, found);
    }
  }
  return found;
}

const analyse = (message: string, locale: string) =>
  walk(parse(message, locale), { args: new Map(), plurals: [], selects: [] });

/** The plural forms a language gives a count of things (0 to 200, what the site counts). */
function countForms(locale: string): Set<string> {
  const rules = new Intl.PluralRules(locale);
  return new Set(Array.from({ length: 201 }, (_, n) => rules.select(n)));
}

const englishKeys = Object.keys(en).sort();

/** A message's own words, its arguments ("{date}") and plurals taken out. */
function words(message: string): string {
  let text = message;
  for (let last = ""; last !== text;) [last, text] = [text, text.replace(/\{[^{}]*\}/g, "")];
  return text;
}

describe.each(LANGUAGES.map((language) => [language]))("the %s catalog", (language: Language) => {
  const catalog: Record<string, string> = shipped[language];

  it("has every key of the English catalog and no other", () => {
    const keys = Object.keys(catalog).sort();
    expect(
      englishKeys.filter((key) => !(key in catalog)),
      "missing",
    ).toEqual([]);
    expect(
      keys.filter((key) => !(key in en)),
      "not in English",
    ).toEqual([]);
  });

  it.each(englishKeys.map((key) => [key]))("%s parses and takes English's arguments", (key) => {
    const source = analyse(en[key as MessageKey], "en");
    const message = catalog[key];
    expect(message.trim(), "an empty message").not.toBe("");
    const translated = analyse(message, language);
    // A count English shows as it is ("{minutes} min read") may be a plural in a language whose
    // noun agrees with it (Arabic: 3 دقائق, 11 دقيقة): same name, a number either way.
    const kinds = Object.fromEntries(
      [...translated.args].map(([name, kind]) => [
        name,
        kind === "plural" && source.args.get(name) === "text" ? "text" : kind,
      ]),
    );
    expect(kinds, "arguments").toEqual(Object.fromEntries(source.args));
    const forms = countForms(language);
    for (const options of translated.plurals) {
      const categories = options.filter((option) => !option.startsWith("="));
      expect(categories, "a plural's forms").toContain("other");
      for (const form of forms) expect(categories, `a plural's forms in ${language}`).toContain(form);
      for (const category of categories) expect([...forms, "other"], "a form the language has").toContain(category);
    }
    // A select's choices are the code's values: the same as English's.
    expect(translated.selects, "select choices").toEqual(source.selects);
  });

  it("formats each message, made ready once, as intl-messageformat itself does", () => {
    const translate = translator(language);
    for (const key of englishKeys) {
      const { args, selects } = analyse(en[key as MessageKey], "en");
      const values = Object.fromEntries(
        [...args].map(([name, kind]) => [
          name,
          kind === "plural" || kind === "number" ? 2 : kind === "select" ? (selects[0]?.[0] ?? "other") : `«${name}»`,
        ]),
      );
      const expected = new IntlMessageFormat(catalog[key], language, undefined, { ignoreTag: true }).format(values);
      expect(translate(key as MessageKey, values), key).toBe(String(expected));
    }
  });

  it("leaves no message English unless it reads the same in the language", () => {
    if (language === "en") return;
    // Words that are the same in many languages (a brand, a format) may stay.
    const same = Object.keys(en).filter(
      (key) => catalog[key] === en[key as MessageKey] && /[a-z]{3}/i.test(words(en[key as MessageKey])),
    );
    const allowed = new Set([...SAME_IN_TRANSLATION.all, ...(SAME_IN_TRANSLATION[language] ?? [])]);
    expect(same.filter((key) => !allowed.has(key))).toEqual([]);
  });
});

/** Messages that read as in English in a language: the same word ("Article" in French), a brand, a term. */
const SAME_IN_TRANSLATION: Record<string, string[]> = {
  // A field of the WordPress export, named as the file names it.
  all: ["admin.outbox.kind.webhook", "follow.placeholder", "admin.import.why.commentType"],
  fr: [
    "site.nav",
    "site.articles",
    "index.pageTitle",
    "pagination.label",
    "tags.count",
    "wait.minutes",
    "admin.filter.article",
    "admin.bans.note",
    "admin.outbox.kind.confirm",
  ],
  de: ["admin.title", "form.name", "admin.kind.name", "admin.kind.browser"],
  "pt-BR": ["site.tags", "tags.label", "notFound.tags", "admin.backup.heading", "admin.flag.spamLinks"],
};

it("keeps the site's overrides to valid messages with English's arguments", () => {
  for (const [language, messages] of Object.entries(overrides)) {
    for (const [key, message] of Object.entries(messages ?? {})) {
      expect(key in en, `${language}: ${key} is not a message`).toBe(true);
      expect(Object.fromEntries(analyse(message!, language).args)).toEqual(
        Object.fromEntries(analyse(en[key as MessageKey], "en").args),
      );
    }
  }
});
