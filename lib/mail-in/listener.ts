import "server-only";
import fs from "node:fs";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from "smtp-server";
import { readReplyToken } from "../mail/reply-address";
import { db as defaultDb, type Db } from "../server/db";
import { onShutdown } from "../server/lifecycle";
import { processWide } from "../process-wide";
import { settings } from "../settings";
import { logger } from "../server/log";
import { receiveReply, type Received } from "./receive";

// The site's SMTP listener for replies by mail (SMTP_INBOUND_PORT): it takes mail only for reply
// addresses this site wrote, refusing any other recipient, an altered address and an expired one
// during the dialogue (5xx, so the sender's server tells its user at once). A bounce (no envelope
// sender) is taken and ignored. A mail's size is
// announced (SIZE) and its bytes counted as they come: past SMTP_INBOUND_MAX_BYTES the rest is
// read and thrown away and the mail refused. Started with the app (instrumentation.ts) and closed
// on SIGTERM (lib/server/lifecycle.ts).

const shared = processWide<{ server?: SMTPServer }>("mail-in", () => ({}));

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** Refuses, in the RCPT dialogue, an address that is not a live reply address of this site. */
async function checkRecipient(db: Db, address: SMTPServerAddress, now: Date): Promise<Error | null> {
  const check = await readReplyToken(db, address.address, now);
  if (check.kind === "ok") return null;
  return check.kind === "expired"
    ? smtpError(550, "5.1.1 This reply address has expired: answer on the site instead")
    : smtpError(550, "5.1.1 No such reply address");
}

/** Reads a mail's bytes up to `max`; past it, the rest is drained and null returned. */
function readBounded(stream: NodeJS.ReadableStream, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= max) chunks.push(chunk);
    });
    stream.on("error", reject);
    stream.on("end", () => resolve(bytes <= max ? Buffer.concat(chunks) : null));
  });
}

export type Delivery = { to: string; received: Received };

/** A listener on `port` (0: any free port); `onDelivered` sees each mail's outcome (logs, tests). */
export function createInboundServer(
  options: { db?: () => Db; now?: () => Date; onDelivered?: (delivery: Delivery) => void } = {},
): SMTPServer {
  const config = settings();
  const db = options.db ?? defaultDb;
  const now = options.now ?? (() => new Date());
  const max = config.SMTP_INBOUND_MAX_BYTES;
  const tls =
    config.SMTP_INBOUND_TLS_KEY && config.SMTP_INBOUND_TLS_CERT
      ? { key: fs.readFileSync(config.SMTP_INBOUND_TLS_KEY), cert: fs.readFileSync(config.SMTP_INBOUND_TLS_CERT) }
      : null;
  return new SMTPServer({
    ...(tls ?? {}),
    size: max,
    authOptional: true,
    disabledCommands: tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    logger: false,
    maxClients: 50,
    socketTimeout: 60_000,
    onRcptTo(address, _session, callback) {
      checkRecipient(db(), address, now()).then(
        (error) => callback(error ?? undefined),
        () => callback(smtpError(451, "4.3.0 Try again later")),
      );
    },
    onData(stream, session: SMTPServerSession, callback) {
      readBounded(stream, max)
        .then(async (source) => {
          if (!source) return callback(smtpError(552, `5.3.4 A reply may be at most ${max} bytes`));
          const mail = await simpleParser(source, {
            skipImageLinks: true,
            skipTextToHtml: true,
            maxHtmlLengthToParse: max,
          });
          // A bounce's envelope has no sender (RFC 5321, the null reverse-path), whatever its headers say.
          const bounce = !session.envelope.mailFrom || !session.envelope.mailFrom.address;
          for (const { address } of session.envelope.rcptTo) {
            const received: Received = bounce
              ? { kind: "ignored", reason: "a bounce (no envelope sender)" }
              : await receiveReply({ to: address, mail, remoteAddress: session.remoteAddress }, db(), now());
            options.onDelivered?.({ to: address, received });
          }
          callback();
        })
        .catch((error: Error) => {
          console.error("mail-in: cannot take a reply", error);
          callback(smtpError(451, "4.3.0 Try again later"));
        });
    },
  });
}

/** Starts the listener when SMTP_INBOUND_PORT is set, once per process, closed on SIGTERM. */
export function startInboundListener(): void {
  const { SMTP_INBOUND_PORT: port, SMTP_INBOUND_HOST: host } = settings();
  if (port === undefined || shared.server) return;
  const server = createInboundServer({
    onDelivered: ({ received }) => logger().info({ event: "mail-in", ...received }, "reply by mail"),
  });
  shared.server = server;
  server.on("error", (error) => console.error(`mail-in: the SMTP listener failed (${error.message})`));
  server.listen(port, host);
  onShutdown("mail-in", () => new Promise<void>((resolve) => server.close(() => resolve())));
}
