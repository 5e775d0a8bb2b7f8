// `npm run setup`, run by `npm start` and `npm run dev` before the server: the COOKIE_SECRET
// (scripts/ensure-secret.ts), then the pending migrations (scripts/migrate.ts), in this order and in
// one process: each `tsx` command starts two node processes, and this runs on every start.
import "./ensure-secret";
import "./migrate";
