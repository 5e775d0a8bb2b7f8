import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { attemptLogin, revokeSession, sessionActive, type LoginResult } from "@/lib/admin";
import type { Db } from "@/lib/db";
import { providers, type TestDatabase } from "../support/databases";

const PASSWORD = "correct horse battery staple";
const minutes = (n: number) => n * 60_000;

describe.each(providers)("admin sessions on %s", (_name, open, skipReason) => {
  let database: TestDatabase;
  let db: Db;
  const login = (password: string, ip: string, now = new Date()) => attemptLogin(password, ip, db, now);
  const session = (result: LoginResult) => {
    if (result.kind !== "ok") throw new Error(`not signed in: ${result.kind}`);
    return result.session;
  };

  beforeAll(async () => {
    if (skipReason) return;
    database = await open();
    db = database.db;
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    vi.stubEnv("ADMIN_PASSWORD", PASSWORD);
    await db?.rateLimitHit.deleteMany();
  });
  afterEach(() => vi.unstubAllEnvs());

  describe.skipIf(skipReason)("sessions", () => {
    it("are open after signing in and closed for every copy of the cookie once signed out", async () => {
      const cookie = session(await login(PASSWORD, "10.5.0.1"));
      expect(await sessionActive(cookie, db)).toBe(true);
      await revokeSession(cookie, db);
      expect(await sessionActive(cookie, db)).toBe(false);
    });

    it("signing out one session leaves the others open", async () => {
      const laptop = session(await login(PASSWORD, "10.5.0.2"));
      const phone = session(await login(PASSWORD, "10.5.0.3"));
      await revokeSession(laptop, db);
      expect(await sessionActive(phone, db)).toBe(true);
    });

    it("end after 8 hours, and when the password changes", async () => {
      const now = new Date();
      const cookie = session(await login(PASSWORD, "10.5.0.4", now));
      expect(await sessionActive(cookie, db, new Date(now.getTime() + minutes(8 * 60 - 1)))).toBe(true);
      expect(await sessionActive(cookie, db, new Date(now.getTime() + minutes(8 * 60 + 1)))).toBe(false);
      vi.stubEnv("ADMIN_PASSWORD", "a different long passphrase");
      expect(await sessionActive(cookie, db, now)).toBe(false);
    });

    it("refuse a cookie that was altered or made up", async () => {
      const cookie = session(await login(PASSWORD, "10.5.0.5"));
      expect(await sessionActive(`${cookie}x`, db)).toBe(false);
      expect(await sessionActive("admin.99999999999999.tag.signature", db)).toBe(false);
      expect(await sessionActive(undefined, db)).toBe(false);
    });
  });
});
