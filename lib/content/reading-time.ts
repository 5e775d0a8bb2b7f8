// Brysbaert (2019, 190 studies) puts silent reading of English non-fiction at about 238 words a
// minute; 230 leaves a little room for code and tables.
const WORDS_PER_MINUTE = 230;

/** Whole minutes, at least one (apart from the pipeline: a kept article's words are counted without it). */
export function readingMinutes(text: string): number {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)?.length ?? 0;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}
