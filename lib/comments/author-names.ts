import { listArticles } from "../content/articles";
import { site } from "../site";

// The names only the signed-in author may post under: the site's author and every article's.
// Compared as people read them, not as bytes: case, spaces, punctuation, accents, invisible
// characters and look-alike letters from other scripts (Cyrillic "А", Greek "Α", digits for
// letters) do not make another name.

const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ԁ: "d",
  ԛ: "q",
  ѕ: "s",
  ԝ: "w",
  һ: "h",
  ӏ: "l",
  // Greek
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  ς: "c",
  // Digits and Latin look-alikes
  "0": "o",
  "1": "l",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "8": "b",
  "9": "g",
  $: "s",
  "@": "a",
  ı: "i",
  ł: "l",
  ø: "o",
  đ: "d",
  ß: "ss",
  æ: "ae",
  œ: "oe",
};

/**
 * Text as it reads: full-width and styled letters, accents, case, invisible characters and
 * look-alike letters folded away; runs of anything but letters and digits become one space. Two
 * texts that fold alike look alike.
 */
export function lookAlikeFold(text: string): string {
  const folded = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // accents
    .replace(/\p{Default_Ignorable_Code_Point}/gu, "") // zero-width spaces and joiners
    .toLowerCase();
  let skeleton = "";
  for (const char of folded) skeleton += CONFUSABLES[char] ?? char;
  return skeleton
    .replace(/rn/g, "m") // "rn" reads as "m"
    .replace(/vv/g, "w")
    .replace(/i/g, "l") // "I" and "l" look alike in many fonts
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The skeleton of a name: what it looks like once everything that fools the eye is removed. */
export function nameSkeleton(name: string): string {
  return lookAlikeFold(name).replace(/ /g, ""); // spaces and punctuation do not make another name
}

/** The site's and the articles' author names. */
export function reservedAuthorNames(): string[] {
  return [...new Set([site.author.name, ...listArticles({ includeDrafts: true }).map((a) => a.author)])];
}

/** Whether a reader's chosen name would pass for one of the authors'. */
export function impersonatesAuthor(name: string, reserved: readonly string[] = reservedAuthorNames()): boolean {
  const skeleton = nameSkeleton(name);
  return skeleton.length > 0 && reserved.some((author) => nameSkeleton(author) === skeleton);
}
