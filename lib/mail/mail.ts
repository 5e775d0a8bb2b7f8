import "server-only";
import type { Transporter } from "nodemailer";
import { settings } from "../settings";
import { site } from "../site";

/** Whether the site sends mail at all: without SMTP_URL, nothing is queued and no address is asked for. */
export function mailEnabled(): boolean {
  return Boolean(settings().SMTP_URL);
}

/** The From header: MAIL_FROM, or the site's name at its own domain. */
export function mailFrom(): string {
  return settings().MAIL_FROM ?? `${site.name} <no-reply@${new URL(site.url).hostname}>`;
}

/** The Message-ID domain: the sender's, so ids are unique to this site. */
export function messageIdDomain(): string {
  const from = mailFrom();
  return /@([^>\s]+)/.exec(from)?.[1] ?? new URL(site.url).hostname;
}

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /**
   * The List-Unsubscribe URL (RFC 8058 one-click: a provider POSTs to it), which every mail
   * carries: a confirmation's blocks the mailbox for good, a notification's stops what it is
   * about, the author's pauses their new-comment mails until they switch them on in /admin.
   */
  unsubscribeUrl: string;
  /** Where a reply goes, when one may answer by replying (lib/mail/reply-address.ts). */
  replyTo?: string | null;
};

let cached: { url: string; transport: Transporter } | undefined;

// nodemailer loads with the first mail: a site without SMTP_URL, and every page, never needs it.
async function transport(): Promise<Transporter> {
  const url = settings().SMTP_URL;
  if (!url) throw new Error("SMTP_URL is not set");
  const { default: nodemailer } = cached?.url === url ? { default: null } : await import("nodemailer");
  // Checked after the import's wait: a mail sent meanwhile may have made it.
  if (nodemailer && cached?.url !== url) {
    cached?.transport.close();
    // Short timeouts: a mail server that is away should fail the attempt (and be retried later),
    // not hold the sender loop for minutes.
    cached = {
      url,
      transport: nodemailer.createTransport({
        url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      }),
    };
  }
  return cached!.transport;
}

/**
 * Hands one mail to the SMTP server. nodemailer writes every header, encoding names and subjects
 * (RFC 2047) and folding long lines, so nothing a reader typed can add or change a header.
 */
export async function deliverMail(mail: OutgoingMail): Promise<void> {
  await (
    await transport()
  ).sendMail({
    from: mailFrom(),
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    list: { unsubscribe: { url: mail.unsubscribeUrl, comment: "Unsubscribe" } },
    // Auto-Submitted (RFC 3834): out-of-office replies are not sent to it, and one that comes back
    // to the reply address anyway is ignored there (lib/mail-in/).
    headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Auto-Submitted": "auto-generated" },
  });
}
