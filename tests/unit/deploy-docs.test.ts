import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nginxBinary } from "../support/cluster";

// docs/deploy.md's configuration files, checked by the programs that will read them: nginx -t for
// the site (the reliability suite runs the same upstream and proxy lines under load) and
// systemd-analyze verify for the units. Skipped where the program is not installed.

const docs = fs.readFileSync("docs/deploy.md", "utf8");
const blocks = (language: string) =>
  [...docs.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-deploy-docs-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const has = (program: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const nginx = nginxBinary();

describe("docs/deploy.md", () => {
  it.skipIf(!nginx || !has("openssl"))("gives an nginx site that nginx accepts", () => {
    const [site] = blocks("nginx");
    expect(site).toContain("upstream marginalia");
    // The certificate's place taken by a throw-away one; everything else as written.
    const [cert, key] = [path.join(dir, "cert.pem"), path.join(dir, "key.pem")];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=marginalia.example",
        "-days",
        "1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      {
        stdio: "ignore",
      },
    );
    const config = `pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site.replace(/\/etc\/letsencrypt\/live\/marginalia\.example\/fullchain\.pem/, cert).replace(/\/etc\/letsencrypt\/live\/marginalia\.example\/privkey\.pem/, key)}
}
`;
    fs.writeFileSync(path.join(dir, "nginx.conf"), config);
    const output = execFileSync(nginx!, ["-t", "-p", dir, "-c", path.join(dir, "nginx.conf")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(output).toBe("");
  });

  it.skipIf(!has("systemd-analyze"))("gives systemd units that systemd-analyze verify accepts", () => {
    const units = blocks("ini");
    const names = ["marginalia@.service", "marginalia-backup.service", "marginalia-backup.timer"];
    expect(units).toHaveLength(names.length);
    names.forEach((name, i) => fs.writeFileSync(path.join(dir, name), units[i]));
    // Only what the units themselves say is wrong: not that the marginalia user or folders are missing here.
    const result = (() => {
      try {
        return execFileSync("systemd-analyze", ["verify", ...names.map((name) => path.join(dir, name))], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (error) {
        return `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
      }
    })();
    expect(
      result
        .split("\n")
        .filter((line) => line && !/No such file or directory|is not executable|user|group/i.test(line)),
    ).toEqual([]);
  });
});
