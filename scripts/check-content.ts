// npm run check:content: every problem in every content file, one per line as
// `content/x.md:LINE: field "date": message`; exits 1 if there is any. A draft's unfinished parts
// (the TODO description `npm run new` writes, its body) are printed as warnings and pass.
import path from "node:path";
import { contentReport } from "./lib/check-content";

const report = contentReport(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
process.stderr.write(report.stderr);
process.stdout.write(report.stdout);
process.exitCode = report.code;
