import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

// The Nu HTML Checker (vnu-jar, the W3C's validator), run on pages the tests saved. Java is
// installed by .ci/run; where it is missing the specs say so and skip the check.

// The package's main module is the jar's path (a String object). Playwright runs from the project's root.
const VNU_JAR = String(createRequire(path.resolve("package.json"))("vnu-jar"));

const java = spawnSync("java", ["-version"], { encoding: "utf8" });
/** Why the checker cannot run here, for `test.skip`; null where Java is installed. */
export const noJava =
  java.error || java.status !== 0
    ? `no Java to run the Nu HTML Checker (${java.error?.message ?? java.stderr.trim()}): apt-get install -y default-jre-headless`
    : null;

type Message = {
  type: string;
  url?: string;
  lastLine?: number;
  firstColumn?: number;
  message: string;
  extract?: string;
};

/** Runs the checker once on every page (name → HTML); its errors as "page line:column: message (extract)". */
export function nuHtmlErrors(pages: Map<string, string>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valid-html-"));
  const files = [...pages].map(([name, html], i) => {
    const file = path.join(dir, `${i}.html`);
    fs.writeFileSync(file, html);
    return { file, name };
  });
  const run = spawnSync("java", ["-jar", VNU_JAR, "--format", "json", "--errors-only", ...files.map((f) => f.file)], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  // The JSON report goes to stderr; anything else there is the checker failing to run.
  let report: { messages: Message[] };
  try {
    report = JSON.parse(run.stderr);
  } catch {
    throw new Error(`the Nu HTML Checker did not report (exit ${run.status}): ${run.error?.message ?? run.stderr}`);
  }
  // It names each page by its file's URL (file:/tmp/…).
  const pageOf = (url = "") => files.find(({ file }) => url.endsWith(file))?.name ?? url;
  return report.messages.map(
    (m) =>
      `${pageOf(m.url)} ${m.lastLine}:${m.firstColumn}: ${m.type}: ${m.message}` +
      (m.extract ? `\n    ${m.extract.replace(/\n/g, " ")}` : ""),
  );
}
