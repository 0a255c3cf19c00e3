/**
 * Runs one benchmark app in this process and, on exit, writes this process's own measurements to
 * the file named by BENCH_RESULT_FILE: peak resident set size (`ru_maxrss`, in KiB, as the kernel
 * counts it for this process) and the time from this wrapper's start to exit. The parent measures
 * wall time from outside, around the whole process.
 *
 * usage: node child.js <compiled-app.js>   (CDK_OUTDIR selects the app's output directory)
 */
import { writeFileSync } from 'fs';
import * as path from 'path';

const started = process.hrtime.bigint();
const app = process.argv[2];
const resultFile = process.env.BENCH_RESULT_FILE;
if (!app) {
  process.stderr.write('usage: child.js <app.js>\n');
  process.exit(2);
}

process.on('exit', (code) => {
  if (!resultFile) return;
  const usage = process.resourceUsage();
  writeFileSync(
    resultFile,
    JSON.stringify({
      code,
      maxRssKiB: usage.maxRSS,
      inProcessMs: Number(process.hrtime.bigint() - started) / 1e6,
      userCpuMs: usage.userCPUTime / 1000,
      systemCpuMs: usage.systemCPUTime / 1000,
    }),
  );
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.resolve(app));
