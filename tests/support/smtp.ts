// A real SMTP server for the tests (the `smtp-server` package on a local port), keeping every mail
// it accepts, parsed back with `mailparser`. No TLS, no authentication: it only listens on 127.0.0.1.
import { EventEmitter, once } from "node:events";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { SMTPConnection } from "smtp-server/lib/smtp-connection.js";

export type TestMailbox = {
  url: string;
  mails: ParsedMail[];
  /** Raw header block of each mail, as received, to check what nodemailer wrote. */
  raw: string[];
  /** Stops listening (the "mail server away" case); start() listens again on the same port. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** Resolves when `count` mails have arrived (or rejects after `timeoutMs`, a bound on a hang, not a measure). */
  waitFor: (count: number, timeoutMs?: number) => Promise<ParsedMail[]>;
  to: (address: string) => ParsedMail[];
};

/**
 * smtp-server holds every connection 100 ms before its greeting, to catch spam bots that talk
 * first, then looks the client's address up in the DNS. The sink's clients are the site's sender
 * and the tests, one connection a mail and several mails a test: greeted at once, a test of
 * mail-in.test.ts takes 0.1–0.2 s, not 0.5–0.7. The site's own listener keeps both
 * (lib/mail-in/listener.ts).
 */
class PromptServer extends SMTPServer {
  override connect(...[socket, socketOptions]: Parameters<SMTPServer["connect"]>) {
    const connection = new SMTPConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on("error", (error: Error) => this._onError(error));
    connection.on("connect", (data) => this._onClientConnect(data));
    connection._setListeners(() => connection.connectionReady());
  }
}

/** `delayMs`: how long the server takes over each mail, as a slow relay does (to crash a sender mid-send). */
export async function startMailbox(port: number, options: { delayMs?: number } = {}): Promise<TestMailbox> {
  const mails: ParsedMail[] = [];
  const raw: string[] = [];
  const arrivals = new EventEmitter();
  let server: SMTPServer | undefined;
  const start = async () => {
    server = new PromptServer({
      authOptional: true,
      disableReverseLookup: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const source = Buffer.concat(chunks);
          raw.push(source.toString("utf8").split(/\r?\n\r?\n/)[0]);
          simpleParser(source).then(
            (mail) => {
              mails.push(mail);
              arrivals.emit("mail");
              setTimeout(callback, options.delayMs ?? 0);
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
  };
  await start();
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    raw,
    start,
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    async waitFor(count, timeoutMs = 60_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      while (mails.length < count) {
        await once(arrivals, "mail", { signal }).catch(() => {
          throw new Error(`expected ${count} mails within ${timeoutMs / 1000} s, got ${mails.length}`);
        });
      }
      return mails;
    },
    to: (address) => mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t?.text.includes(address))),
  };
}
