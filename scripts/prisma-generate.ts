/**
 * `npm run db:generate` (and postinstall): writes prisma/postgres/schema.prisma from the SQLite
 * schema, then generates a Prisma Client for each, offline.
 */
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { derivePostgresSchema, POSTGRES_SCHEMA_PATH, PROJECT_ROOT, SQLITE_SCHEMA_PATH } from "./lib/prisma-schema";

const prismaBuild = path.join(PROJECT_ROOT, "node_modules/prisma/build");

await mkdir(path.dirname(POSTGRES_SCHEMA_PATH), { recursive: true });
await writeFile(POSTGRES_SCHEMA_PATH, derivePostgresSchema(await readFile(SQLITE_SCHEMA_PATH, "utf8")));

for (const schema of [SQLITE_SCHEMA_PATH, POSTGRES_SCHEMA_PATH]) {
  execFileSync(process.execPath, [path.join(prismaBuild, "index.js"), "generate", "--schema", schema], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
    env: {
      ...process.env,
      // The CLI insists on a native schema engine before `generate` and would download one; any
      // existing file satisfies the check, and `generate` never runs it.
      PRISMA_SCHEMA_ENGINE_BINARY:
        process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(prismaBuild, "schema_engine_bg.wasm"),
      CHECKPOINT_DISABLE: "1", // no update check over the network
    },
  });
}
