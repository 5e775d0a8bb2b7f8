import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  attemptLogin,
  loginDelayMs,
  MAX_LOGIN_DELAY_MS,
  revokeSession,
  sessionActive,
  type LoginResult,
} from "@/lib/server/admin";
import { providers, withDatabase } from "../support/databases";

const PASSWORD = "correct horse battery staple";
const minutes = (n: number) => n * 60_000;

describe("the login's slow-down", () => {
  it("starts once failures pile up site-wide, grows, and stays bounded", () => {
    expect(loginDelayMs(0)).toBe(0);
    expect(loginDelayMs(20)).toBe(0);
    expect(loginDelayMs(30)).toBeGreaterThan(0);
    expect(loginDelayMs(40)).toBeGreaterThan(loginDelayMs(30));
    expect(loginDelayMs(100_000)).toBe(MAX_LOGIN_DELAY_MS);
    expect(MAX_LOGIN_DELAY_MS).toBeLessThanOrEqual(2_000);
  });
});

describe.each(providers)("admin login and sessions on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let waits: number[];
  const wait = async (ms: number) => void waits.push(ms);
  const login = (password: string, ip: string, now = new Date()) => attemptLogin(password, ip, database.db, now, wait);
  const session = (result: LoginResult) => {
    if (result.kind !== "ok") throw new Error(`not signed in: ${result.kind}`);
    return result.session;
  };

  beforeEach(async () => {
    vi.stubEnv("ADMIN_PASSWORD", PASSWORD);
    waits = [];
    await database.db.rateLimitHit.deleteMany();
  });
  afterEach(() => vi.unstubAllEnvs());

  describe.skipIf(skipReason)("lock-outs", () => {
    it("locks one address after 10 failures; another address still signs in", async () => {
      for (let i = 0; i < 10; i++) expect(await login(`wrong ${i}`, "10.0.0.1")).toEqual({ kind: "wrong" });
      expect(await login(PASSWORD, "10.0.0.1")).toMatchObject({ kind: "locked" });
      expect((await login(PASSWORD, "10.0.0.2")).kind).toBe("ok");
    });

    it("holds the lock-out against 30 guesses sent together: 10 are compared, the rest locked", async () => {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login(`guess ${i}`, "10.0.0.3")));
      expect(results.filter((r) => r.kind === "wrong")).toHaveLength(10);
      expect(results.filter((r) => r.kind === "locked")).toHaveLength(20);
    });

    it("lets the author in after 150 failures from rotating addresses, slowed but not locked", async () => {
      for (let i = 0; i < 150; i++) expect((await login(`wrong ${i}`, `10.1.${i >> 8}.${i & 255}`)).kind).toBe("wrong");
      waits = [];
      expect((await login(PASSWORD, "10.2.0.1")).kind).toBe("ok");
      expect(waits).toEqual([MAX_LOGIN_DELAY_MS]);
    });

    it("waits as long for the right password as for a wrong one", async () => {
      for (let i = 0; i < 60; i++) await login(`wrong ${i}`, `10.3.0.${i}`);
      waits = [];
      await login("wrong again", "10.3.1.1");
      await login(PASSWORD, "10.3.1.2");
      expect(waits).toEqual([loginDelayMs(60), loginDelayMs(61)]);
      expect(waits[1]).toBeGreaterThan(0);
    });

    it("forgets failures once the window has passed", async () => {
      const start = new Date("2026-03-01T10:00:00Z");
      for (let i = 0; i < 60; i++) await login(`wrong ${i}`, `10.4.0.${i}`, start);
      waits = [];
      await login(PASSWORD, "10.4.1.1", new Date(start.getTime() + minutes(16)));
      expect(waits).toEqual([0]);
    });
  });

  describe.skipIf(skipReason)("sessions", () => {
    it("are open after signing in and closed for every copy of the cookie once signed out", async () => {
      const cookie = session(await login(PASSWORD, "10.5.0.1"));
      expect(await sessionActive(cookie, database.db)).toBe(true);
      await revokeSession(cookie, database.db);
      expect(await sessionActive(cookie, database.db)).toBe(false);
    });

    it("signing out one session leaves the others open", async () => {
      const laptop = session(await login(PASSWORD, "10.5.0.2"));
      const phone = session(await login(PASSWORD, "10.5.0.3"));
      await revokeSession(laptop, database.db);
      expect(await sessionActive(phone, database.db)).toBe(true);
    });

    it("end after 8 hours, and when the password changes", async () => {
      const now = new Date();
      const cookie = session(await login(PASSWORD, "10.5.0.4", now));
      expect(await sessionActive(cookie, database.db, new Date(now.getTime() + minutes(8 * 60 - 1)))).toBe(true);
      expect(await sessionActive(cookie, database.db, new Date(now.getTime() + minutes(8 * 60 + 1)))).toBe(false);
      vi.stubEnv("ADMIN_PASSWORD", "a different long passphrase");
      expect(await sessionActive(cookie, database.db, now)).toBe(false);
    });

    it("refuse a cookie that was altered or made up", async () => {
      const cookie = session(await login(PASSWORD, "10.5.0.5"));
      expect(await sessionActive(`${cookie}x`, database.db)).toBe(false);
      expect(await sessionActive("admin.99999999999999.tag.signature", database.db)).toBe(false);
      expect(await sessionActive(undefined, database.db)).toBe(false);
    });
  });
});
