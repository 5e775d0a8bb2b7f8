// Mail under faults, against real servers: a reply storm while the SMTP server is away, then the
// app killed with SIGKILL while it sends (the relay has taken mails it has not yet acknowledged).
// Every follower must get word of every acknowledged comment, and a mail sent twice is the same
// mail (the same Message-ID), which mail clients show once.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { loadEnv, openDb, startServer, type Db, type RunningServer } from "../support/app";
import { commentStorm } from "../support/load";
import { startMailbox } from "../support/smtp";
import { waitUntil } from "../support/wait";
import { articlePath } from "@/lib/routes";

type Size = { followers: number; comments: number };

const SLUG = "field-note-08";

async function follow(db: Db, count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `follower-${i}@example.com`);
  for (const email of emails) {
    const subscriber = await db.subscriber.create({ data: { id: randomUUID(), email, confirmedAt: new Date() } });
    await db.subscription.create({
      data: { id: randomUUID(), subscriberId: subscriber.id, kind: "discussion", target: SLUG },
    });
  }
  return emails;
}

export async function mailCheck(provider: string, url: string, port: number, size: Size): Promise<string> {
  const mailbox = await startMailbox(port + 50, { delayMs: 40 });
  const db = openDb(url);
  const env = loadEnv(url, {
    SMTP_URL: mailbox.url,
    MAIL_FROM: "Marginalia <mail@marginalia.example>",
    REPLY_BATCH_SECONDS: "0",
    MAIL_RETRY_SECONDS: "0.5",
    MAIL_POLL_SECONDS: "0.5",
    MAIL_LEASE_SECONDS: "3",
    MAIL_RATE_PER_RECIPIENT_HOUR: "100000",
    MAIL_RATE_PER_HOUR: "1000000",
  });
  let server: RunningServer | undefined;
  try {
    const emails = await follow(db, size.followers);
    server = await startServer(port, env, `data/reliability-mail-${provider}.log`);

    // The relay is away while readers post: nothing may be lost.
    await mailbox.stop();
    const tag = `mail-${provider}-${Date.now()}`;
    const storm = await commentStorm({
      pageUrl: `${server.url}${articlePath(SLUG)}`,
      clients: 10,
      total: size.comments,
      tag,
    });
    assert.equal(storm.acknowledged, size.comments, `only ${storm.acknowledged} of ${size.comments} acknowledged`);
    // The sender has tried while the relay was away, failed, and put the mail back for later.
    await waitUntil(
      "a failed attempt recorded in the outbox",
      async () => (await db.outboxMessage.count({ where: { kind: "reply", lastError: { not: null } } })) > 0,
      60_000,
      200,
    );

    // Back, and slow: the app is killed while it sends, then started again.
    await mailbox.start();
    await waitUntil("the first mails", () => mailbox.mails.length >= 3, 60_000, 200);
    const beforeKill = mailbox.mails.length;
    server.stop("SIGKILL");
    await server.exited();
    server = await startServer(port, env, `data/reliability-mail-${provider}.log`);
    const outstanding = () =>
      db.outboxMessage.count({ where: { kind: "reply", status: { in: ["queued", "sending"] } } });
    await waitUntil("the outbox to drain", async () => (await outstanding()) === 0, 180_000, 200);

    // Every follower heard of every comment, and every copy of a mail is the same mail.
    const seen = new Map<string, Map<number, Set<string>>>(); // follower → comment number → Message-IDs
    const pattern = new RegExp(`${tag} comment (\\d+) from`, "g");
    for (const mail of mailbox.mails) {
      const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).map((a) => a?.text ?? "").join(",");
      const numbers = seen.get(to) ?? new Map<number, Set<string>>();
      seen.set(to, numbers);
      for (const match of (mail.text ?? "").matchAll(pattern)) {
        const n = Number(match[1]);
        numbers.set(n, (numbers.get(n) ?? new Set()).add(mail.messageId ?? "none"));
      }
    }
    const failed = await db.outboxMessage.count({ where: { status: "failed" } });
    assert.equal(failed, 0, `${failed} mails given up`);
    for (const email of emails) {
      const numbers = [...seen.entries()].find(([to]) => to.includes(email))?.[1] ?? new Map();
      assert.equal(numbers.size, size.comments, `${email} heard of ${numbers.size} of ${size.comments} comments`);
      const twice = [...numbers.entries()].filter(([, ids]) => ids.size > 1);
      assert.equal(twice.length, 0, `${email} got comment ${twice[0]?.[0]} in ${twice[0]?.[1].size} different mails`);
    }
    const resent = mailbox.mails.length - new Set(mailbox.mails.map((m) => m.messageId)).size;
    return (
      `${size.followers} followers × ${size.comments} comments: all told, each in one mail; ` +
      `killed after ${beforeKill} mails, ${resent} resent with the same Message-ID, ${mailbox.mails.length} received`
    );
  } finally {
    server?.stop();
    await mailbox.stop();
    await db.$disconnect();
  }
}
