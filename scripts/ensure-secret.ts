// Makes sure COOKIE_SECRET exists: taken from the environment, else from .env.local, else
// generated into .env.local (which Next.js loads) on first run. Several app instances must share
// one secret: set COOKIE_SECRET in their environment instead.
import { randomBytes } from "node:crypto";
import fs from "node:fs";

const FILE = ".env.local";
const existing = fs.existsSync(FILE) ? fs.readFileSync(FILE, "utf8") : "";

if (!process.env.COOKIE_SECRET && !/^COOKIE_SECRET=.+/m.test(existing)) {
  const line = `# Signs reader and admin cookies (generated on first run; keep it secret, share it across instances)\nCOOKIE_SECRET=${randomBytes(32).toString("base64url")}\n`;
  fs.writeFileSync(FILE, `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}${line}`, { mode: 0o600 });
  console.log(`Generated COOKIE_SECRET into ${FILE}.`);
}
