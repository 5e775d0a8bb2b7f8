// Before any browser test: the production build of the e2e content (tests/support/app.ts
// ensureBuild), which every server of the run starts from. E2E_SKIP_BUILD=1 keeps the last build.
import { ensureBuild } from "../support/app";

export default function globalSetup() {
  if (process.env.E2E_BASE_URL) return;
  if (process.env.E2E_SKIP_BUILD) process.env.SKIP_BUILD = "1";
  ensureBuild();
}
