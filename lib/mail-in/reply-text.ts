import EmailReplyParser from "email-reply-parser";
import type { ParsedMail } from "mailparser";
import { htmlToMarkdown } from "../comments/import/html-to-markdown";

// What a reply by mail says, as a comment's markdown: the words above the quote. Mail clients put
// the message answered below a line of their own ("On … wrote:" in Gmail and Apple Mail, a
// "From: … Sent: …" block or a rule in Outlook), in `>` lines, and sign with "-- " or "Sent from
// my iPhone"; email-reply-parser removes those. An HTML-only mail is made markdown by the
// importer's bounded converter first. Every step's input is bounded, so a crafted mail costs
// little: a comment is at most 5,000 characters, and nothing past READ_MAX (or LINES_MAX lines) can be
// a comment's.

const READ_MAX = 12_000;
const LINE_MAX = 1_000;
// The library's cost grows with the square of the lines; a reply's own words fit well within.
const LINES_MAX = 300;

// Outlook's reply header (its quote has no `>`), and its rule; cut there before the library reads
// the rest, since it keeps them as part of the reply. From HTML, the labels come out bold and each
// line its own paragraph (BlackBerry's and Outlook's HTML replies).
const OUTLOOK_HEADER =
  /^(?:\*\*)?(?:From|De|Von|Van):(?:\*\*)? .*\n\n?(?:(?:\*\*)?(?:Sent|Date|Envoyé|Gesendet|Verzonden):(?:\*\*)? .*\n)/m;
const OUTLOOK_RULE = /^(?:_{20,}|-{3,} ?Original Message ?-{3,})$/m;
// A phone's or client's line added under the reply.
const SENT_FROM =
  /\n(?:Sent from my [^\n]{1,60}|Get Outlook for [^\n]{1,20}|Sent from (?:Mail|Outlook) for [^\n]{1,20})\s*$/i;

// Where a client's HTML puts the mail answered: Gmail's quote and attribution, Apple Mail's cited
// blockquote, Thunderbird's attribution, Outlook on the web's header block, BlackBerry's and
// Yahoo's. Cut there before converting, so the quote never becomes markdown at all. Attribute runs
// are bounded so that a mail of unclosed tags costs a linear scan.
const HTML_QUOTE =
  /<(?:div|blockquote|td|table|hr)\b[^>]{0,400}?(?:(?:class|id)="[^"]{0,200}?(?:gmail_quote|gmail_attr|moz-cite-prefix|divRplyFwdMsg|_persistentHeader|yahoo_quoted|OutlookMessageHeader)|type="cite")/i;

/** Whether a mail was sent by a program (an out-of-office, a list, a bounce) rather than a person. */
export function isAutomatic(mail: ParsedMail): boolean {
  const header = (key: string) => {
    const value = mail.headers.get(key);
    // mailparser gives a structured header (Content-Type) as { value, params }.
    const text = typeof value === "object" && value !== null && "value" in value ? value.value : value;
    return typeof text === "string" ? text.toLowerCase() : text ? String(text).toLowerCase() : "";
  };
  // A bounce: a delivery report (RFC 3464), or from the mail system itself.
  if (header("content-type") === "multipart/report") return true;
  if (mail.from?.value.some((a) => /^(mailer-daemon|postmaster)@/i.test(a.address ?? "")) === true) return true;
  const auto = header("auto-submitted");
  if (auto && auto !== "no") return true;
  if (/^(bulk|list|junk|auto_reply)$/.test(header("precedence").trim())) return true;
  if (mail.headers.has("x-autoreply") || mail.headers.has("x-autorespond") || mail.headers.has("list-id")) return true;
  if (/\b(oof|autoreply)\b/.test(header("x-auto-response-suppress")) && /auto|out of/i.test(mail.subject ?? ""))
    return true;
  return /^(auto(matic)?[ -]?(reply|response)|out of (the )?office|abwesenheitsnotiz|r[ée]ponse automatique)\b/i.test(
    (mail.subject ?? "").trim(),
  );
}

/** The mail's words as markdown, before the quote is removed: its text part, else its HTML made markdown. */
function bodyOf(mail: ParsedMail): string {
  // mailparser writes a text of its own for an HTML-only mail; the HTML, made markdown, keeps more.
  const htmlOnly = (mail.headers.get("content-type") as { value?: string } | undefined)?.value === "text/html";
  const text =
    (htmlOnly || !mail.text?.trim()) && typeof mail.html === "string"
      ? htmlToMarkdown(beforeHtmlQuote(mail.html.slice(0, READ_MAX * 4)))
      : (mail.text ?? "");
  return text
    .slice(0, READ_MAX)
    .replace(/\r\n?/g, "\n")
    .replace(/\n[ \t]*(?=\n)/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .split("\n", LINES_MAX)
    .map((line) => line.slice(0, LINE_MAX))
    .join("\n");
}

/** Cuts a mail's HTML where the client put the mail answered. */
function beforeHtmlQuote(html: string): string {
  const at = HTML_QUOTE.exec(html)?.index;
  return at === undefined ? html : html.slice(0, at);
}

/** Cuts the text at the first line of a quote the library would miss (Outlook's). */
function beforeOutlookQuote(text: string): string {
  const at = [OUTLOOK_HEADER.exec(text)?.index, OUTLOOK_RULE.exec(text)?.index].filter((i) => i !== undefined);
  return at.length ? text.slice(0, Math.min(...at)) : text;
}

/** The reply's own words (quote, signature and client lines removed), and how many attachments it had. */
export function replyText(mail: ParsedMail): { text: string; attachments: number } {
  const visible = new EmailReplyParser().read(beforeOutlookQuote(bodyOf(mail))).getVisibleText();
  const text = visible.replace(SENT_FROM, "").trim();
  return { text, attachments: mail.attachments?.length ?? 0 };
}
