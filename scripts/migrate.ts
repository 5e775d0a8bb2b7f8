/**
 * npm run db:migrate                           apply pending migrations to DATABASE_URL (SQLite by default)
 * npm run db:migrate:create -- --name <name>   write a migration for the schema change, for both providers
 *
 * Works offline: see scripts/lib/schema-engine.ts for why this is not `prisma migrate`.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";
import { resolveDatabaseTarget, type DatabaseTarget } from "@/lib/server/database-url";
import { applyMigrations, createMigrations, DEFAULT_POSTGRES_SERVER_URL } from "./lib/migrations";
import { describePostgres } from "./lib/schema-engine";

// Next.js's own .env loading, so a DATABASE_URL set in .env.local migrates the database the site
// will use.
nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

function describe(target: DatabaseTarget): string {
  if (target.provider === "postgresql") return `PostgreSQL ${describePostgres(target.url)}`;
  const relative = path.relative(process.cwd(), target.file);
  return `SQLite ${relative.startsWith("..") ? target.file : relative}`;
}

async function deploy(): Promise<void> {
  const target = resolveDatabaseTarget();
  const { applied } = await applyMigrations(target);
  console.log(
    applied.length === 0
      ? `${describe(target)}: already up to date, no migrations applied.`
      : `${describe(target)}: applied ${applied.length} migration(s): ${applied.join(", ")}.`,
  );
}

async function create(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: "string" } } });
  if (!values.name) throw new Error("Usage: npm run db:migrate:create -- --name <name>");
  const result = await createMigrations(values.name, process.env.DATABASE_URL_POSTGRES || DEFAULT_POSTGRES_SERVER_URL);
  if (!result) {
    console.log("No schema changes: prisma/schema.prisma matches the migrations. Nothing written.");
    return;
  }
  console.log(
    `Created migration ${result.migration} in ${result.folders.join(" and ")}. Apply it with npm run db:migrate.`,
  );
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === "create") await create(args);
  else if (command === undefined || command === "deploy") await deploy();
  else throw new Error(`Unknown command "${command}": use no command (apply migrations) or "create --name <name>"`);
} catch (error) {
  // Expected failures (unreachable database, bad name, engine errors) read best as one message.
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
}
// The wasm engine leaves a 10-second timer behind after PostgreSQL runs; don't wait for it.
process.exit();
