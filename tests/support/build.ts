// `npm run test:build`: the production build of the e2e content that the browser tests and the
// reliability suite start (tests/support/app.ts ensureBuild; SKIP_BUILD=1 keeps the last one).
import { ensureBuild } from "./app";

ensureBuild();
