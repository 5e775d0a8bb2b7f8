// A PostgreSQL server of the suite's own, to stop and start under load: initdb as the postgres user
// (the tests run as root on CI) in a temporary folder, on a port of the suite's range. Null where
// PostgreSQL's server binaries are not installed (apt-get install postgresql): the checks skip.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type OwnPostgres = {
  /** The server's `postgres` database. */
  url: string;
  port: number;
  start: () => void;
  /** Fast shutdown: open connections are closed, as in a restart for an upgrade. */
  stop: () => void;
  remove: () => void;
};

export function ownPostgres(port: number): OwnPostgres | null {
  const bin = ["/usr/lib/postgresql"]
    .flatMap((root) => (fs.existsSync(root) ? fs.readdirSync(root).map((v) => path.join(root, v, "bin")) : []))
    .find((dir) => fs.existsSync(path.join(dir, "initdb")));
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-pg-"));
  const asPostgres = (command: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
  execFileSync("chown", ["postgres:postgres", dir]);
  asPostgres("initdb", ["-D", path.join(dir, "data"), "-A", "trust", "-U", "postgres"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () =>
      asPostgres("pg_ctl", ["-D", path.join(dir, "data"), "-o", options, "-l", path.join(dir, "log"), "-w", "start"]),
    stop: () => asPostgres("pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
