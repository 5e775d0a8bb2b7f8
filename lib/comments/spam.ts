import "server-only";
import { createHash } from "node:crypto";
import { settings } from "../settings";
import { unsign } from "../server/signing";
import { lookAlikeFold } from "./author-names";
import { matchBlocks, type BlockAction, type BlockMatch, type BlockRule, type Candidate } from "./blocklist";
import { linksAndText, mayHoldMoreLinks } from "../content/comment-markdown";
import { t } from "../i18n";
import { flagLine, type FlagCode, type FlagValues } from "./flags";

/** A field people never see or fill in; bots that fill every field give themselves away. */
export const HONEYPOT_FIELD = "website";

/** A day: a reader may leave a form open overnight, but a harvested token does not serve for ever. */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60_000;

export type FormTokenCheck =
  /** quick: sent sooner after the form appeared than COMMENT_MIN_FILL_SECONDS, as bots do (and, now and then, a person). */
  { kind: "ok"; submissionId: string; quick: boolean } | { kind: "expired" } | { kind: "invalid" };

export function checkFormToken(token: unknown, now = Date.now()): FormTokenCheck {
  const value = typeof token === "string" ? unsign(token) : null;
  const [issuedAt, submissionId] = value?.split(".") ?? [];
  if (!issuedAt || !submissionId || !/^\d+$/.test(issuedAt)) return { kind: "invalid" };
  if (now - Number(issuedAt) > FORM_TOKEN_MAX_AGE_MS) return { kind: "expired" };
  return { kind: "ok", submissionId, quick: now - Number(issuedAt) < settings().COMMENT_MIN_FILL_SECONDS * 1000 };
}

// ---- The spam score ----
//
// Computed here, from the comment and two counts the service reads (the same text on other
// articles, recent comments from the address): no network service. Each signal adds points;
// at SPAM_THRESHOLD or more the comment waits in the queue whatever the moderation mode, its
// reasons in its flags for the moderator. One signal alone stays under the default threshold
// of 5, save the same text on two other articles; two together mostly do not.

export const SPAM_POINTS = {
  /** Each link after the first. */
  link: 1,
  /** Nothing but a link (or a few): no words of the reader's own. */
  onlyLink: 4,
  /** The same text on another article within REPEAT_DAYS; on two or more. */
  repeatedOnce: 3,
  repeatedOften: 5,
  /** BURST_COMMENTS comments and edits from the address within BURST_MINUTES; twice as many. */
  burst: 2,
  burstHeavy: 4,
  /** A word mixing Latin with Cyrillic, Greek… letters that look Latin ("vіagra"), each (at most 2). */
  lookAlikeWord: 3,
  /** A name mixing scripts that way. */
  lookAlikeName: 3,
  /** Styled letters (𝐟𝐫𝐞𝐞, ｆｒｅｅ) or invisible characters inside words: text dressed up to slip past filters. */
  disguised: 2,
  /** A name that is a web address. */
  nameLink: 2,
} as const;

export const REPEAT_DAYS = 7;
/** Shorter texts ("Thanks!", "+1") are said again honestly all the time. */
export const REPEAT_MIN_LETTERS = 20;
export const BURST_MINUTES = 10;
export const BURST_COMMENTS = 3;

/** A comment's text as it reads (case, spaces, punctuation and look-alikes folded), hashed: the same text, told apart from its spelling. */
export function textFingerprint(body: string): string | null {
  const folded = lookAlikeFold(body).replace(/ /g, "");
  if ([...folded].length < REPEAT_MIN_LETTERS) return null;
  return createHash("sha256").update(folded).digest("base64url").slice(0, 32);
}

export type SpamSignals = {
  name: string;
  body: string;
  /** Other articles with the same text (textFingerprint) within REPEAT_DAYS. */
  sameTextElsewhere: number;
  /** Comments and edits from the same address within BURST_MINUTES, this one not counted. */
  recentFromAddress: number;
};

/** A signal's points, and its flag line (lib/comments/flags.ts), the points among its values. */
export type SpamReason = { points: number; reason: string };
export type SpamScore = { score: number; reasons: SpamReason[] };

// Scripts with letters that pass for Latin ones.
const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
const WORDS = /[\p{L}\p{M}\p{N}\p{Default_Ignorable_Code_Point}]+/gu;

const mixedScriptWords = (text: string) =>
  (text.match(WORDS) ?? []).filter((word) => LATIN.test(word) && LOOK_ALIKE_SCRIPT.test(word)).length;

/** Letters that NFKC turns into plain ones (full-width, mathematical), or invisible characters between letters. */
const disguised = (text: string) =>
  /[\p{L}\p{N}][\p{Default_Ignorable_Code_Point}]+[\p{L}\p{N}]/u.test(text) ||
  [...text].some(
    (char) => /\p{L}/u.test(char) && char.normalize("NFKC") !== char && /^[a-z0-9]$/i.test(char.normalize("NFKC")),
  );

/** The points of each signal a comment shows; pure, so the rules are tested without a database. */
export function spamScore(signals: SpamSignals): SpamScore {
  const reasons: SpamReason[] = [];
  const add = (points: number, flag: FlagCode, values: FlagValues = {}) =>
    reasons.push({ points, reason: flagLine(flag, { ...values, points }) });
  // A comment without a single link mark holds no link: no parse (most comments have none).
  const { urls, text } = mayHoldMoreLinks(signals.body, 0) ? linksAndText(signals.body) : { urls: [], text: "" };
  if (urls.length > 1) add((urls.length - 1) * SPAM_POINTS.link, "spam-links", { count: urls.length });
  // Fewer than two words of the reader's own beside the links.
  if (urls.length > 0 && (text.match(/[\p{L}\p{N}]{2,}/gu) ?? []).length < 2)
    add(SPAM_POINTS.onlyLink, "spam-only-link");
  if (signals.sameTextElsewhere > 0)
    add(signals.sameTextElsewhere > 1 ? SPAM_POINTS.repeatedOften : SPAM_POINTS.repeatedOnce, "spam-repeated", {
      count: signals.sameTextElsewhere,
      days: REPEAT_DAYS,
    });
  if (signals.recentFromAddress >= BURST_COMMENTS)
    add(signals.recentFromAddress >= 2 * BURST_COMMENTS ? SPAM_POINTS.burstHeavy : SPAM_POINTS.burst, "spam-burst", {
      count: signals.recentFromAddress,
      minutes: BURST_MINUTES,
    });
  const mixed = mixedScriptWords(signals.body);
  if (mixed > 0) add(Math.min(mixed, 2) * SPAM_POINTS.lookAlikeWord, "spam-look-alike-words", { count: mixed });
  if (mixedScriptWords(signals.name) > 0) add(SPAM_POINTS.lookAlikeName, "spam-look-alike-name");
  if (disguised(`${signals.name}\n${signals.body}`)) add(SPAM_POINTS.disguised, "spam-disguised");
  if (/https?:\/\/|www\.|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|xyz|top|io|co)\b/i.test(signals.name))
    add(SPAM_POINTS.nameLink, "spam-name-link");
  return { score: reasons.reduce((sum, r) => sum + r.points, 0), reasons };
}

// ---- What becomes of a comment ----

export type Verdict =
  /** Not stored: the reader is told `message` (about `field`, or the whole comment). */
  | { kind: "refuse"; message: string; field: "name" | "body" | null; flags: string[] }
  /** Stored, shown to its author alone. */
  | { kind: "shadow"; flags: string[] }
  /** Stored, waiting for approval whatever the moderation mode. */
  | { kind: "queue"; flags: string[] }
  /** Nothing against it: the moderation mode decides. */
  | { kind: "pass"; flags: string[] };

/** Flags are shown to the moderator and exported: a bounded column, of whole lines (a cut one is not a code). */
export const FLAGS_MAX = 2_000;
export function joinFlags(flags: readonly string[]): string | null {
  let joined = "";
  for (const flag of flags) {
    const next = joined ? `${joined}\n${flag}` : flag;
    if (next.length > FLAGS_MAX) break;
    joined = next;
  }
  return joined || (flags.length ? flags[0].slice(0, FLAGS_MAX) : null);
}

const ACTION_RANK: Record<BlockAction, number> = { queue: 1, shadow: 2, refuse: 3 };

/**
 * The decision on a comment: the strictest rule it meets (refuse, then shadow, then queue), else
 * the queue when its spam score reaches `threshold` (0: no score), else nothing. The flags say why.
 */
export function assessComment(
  candidate: Candidate,
  signals: Pick<SpamSignals, "sameTextElsewhere" | "recentFromAddress">,
  rules: readonly BlockRule[],
  threshold: number,
  now = new Date(),
): Verdict {
  const matches = matchBlocks(candidate, rules, now);
  const spam = threshold > 0 ? spamScore({ ...signals, name: candidate.name, body: candidate.body }) : null;
  const flags = matches.map((m) => m.reason);
  if (spam && spam.score >= threshold) {
    flags.push(flagLine("spam-score", { score: spam.score, threshold }));
    for (const { reason } of spam.reasons) flags.push(reason);
  }
  const strictest = matches.reduce<BlockMatch | null>(
    (worst, m) => (!worst || ACTION_RANK[m.rule.action] > ACTION_RANK[worst.rule.action] ? m : worst),
    null,
  );
  if (strictest?.rule.action === "refuse") return { kind: "refuse", ...refusal(strictest, candidate), flags };
  if (strictest?.rule.action === "shadow") return { kind: "shadow", flags };
  if (strictest || (spam && spam.score >= threshold)) return { kind: "queue", flags };
  return { kind: "pass", flags };
}

/** What a refused reader is told, in the site's language: a word or domain by name, so they can rephrase; a ban plainly. */
function refusal({ rule }: BlockMatch, candidate: Candidate): { message: string; field: "name" | "body" | null } {
  if (rule.kind === "word") {
    const inName = matchBlocks({ ...candidate, body: "" }, [rule]).length > 0;
    return {
      message: t("refused.word", { word: rule.value.replace(/\*$/, "") }),
      field: inName ? "name" : "body",
    };
  }
  if (rule.kind === "domain") return { message: t("refused.domain", { domain: rule.value }), field: "body" };
  return { message: t("refused.banned"), field: null };
}
