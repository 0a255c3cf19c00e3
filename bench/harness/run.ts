/**
 * Synthesis benchmark: `npx projen bench [-- --runs 7 --warmup 1 ...]`. Not part of the test suite.
 *
 * 1. Compiles the apps under bench/apps (and src/) with the TypeScript compiler into a cache
 *    directory, so no app pays for compilation while measured.
 * 2. Runs each app as a whole `node` process, interleaved A B C A B C, after warm-up rounds.
 *    Wall time is measured around the process; peak RSS is the child's own `ru_maxrss`
 *    (see ./child.ts). Every run synthesizes into its own temporary directory.
 * 3. Reports medians with min/max and the ratios app3/app2 and app3/app1, the resource counts
 *    of app 2 and app 3 side by side, template and package sizes, and how synthesis time grows with
 *    the web fleet's maximum size and the number of Aurora readers. Writes bench/RESULTS.md.
 *
 * App 3 (`MastodonSocial`) is skipped with a message while the construct is not exported.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { ensureBundled } from './bundle';
import { summarizeCpuProfile } from './profile';
import {
  fmtRatio,
  fmtSummary,
  interleave,
  markdownTable,
  ratio,
  resourceCounts,
  summarize,
  Summary,
} from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'node_modules', '.cache', 'cdk-mastodon-bench', 'out');
const TEMPLATE = 'Mastodon.template.json';
/** Files that may fail to type-check while `MastodonSocial` is not merged yet. */
/**
 * Aurora's maximum ACU at every point of the growth study: a 50-host web fleet needs more database
 * connections than the default 5 ACU allow (MastodonSocial refuses that), and keeping it the same
 * at every point leaves the fleet size and the readers as the only variables.
 */
const GROWTH_MAX_ACU = '16';
const GUARDED = /bench[\\/]apps[\\/]mastodon-social[^\\/]*\.ts$/;

interface Args {
  runs: number;
  warmup: number;
  growthRuns: number;
  growth: boolean;
  packageSizes: boolean;
  cpuProf: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    runs: 7,
    warmup: 1,
    growthRuns: 3,
    growth: true,
    packageSizes: true,
    cpuProf: false,
    out: path.join(ROOT, 'bench', 'RESULTS.md'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue; // `npx projen <task> -- <args>` passes the separator through
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') args.runs = Number(next());
    else if (a === '--warmup') args.warmup = Number(next());
    else if (a === '--growth-runs') args.growthRuns = Number(next());
    else if (a === '--no-growth') args.growth = false;
    else if (a === '--no-package') args.packageSizes = false;
    else if (a === '--cpu-prof') args.cpuProf = true;
    else if (a === '--out') args.out = path.resolve(next());
    else if (a === '--quick') Object.assign(args, { runs: 3, warmup: 1, growthRuns: 1, packageSizes: false });
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(args.runs >= 1) || !(args.warmup >= 0) || !(args.growthRuns >= 1)) throw new Error('bad run counts');
  return args;
}

/** Compiles bench/ and src/ into OUT. Returns whether `MastodonSocial` is usable. */
function compile(): { mastodonSocial: boolean; diagnostics: string[] } {
  const configPath = path.join(ROOT, 'bench', 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(configPath));
  fs.rmSync(OUT, { recursive: true, force: true });
  const program = ts.createProgram(parsed.fileNames, {
    ...parsed.options,
    outDir: OUT,
    noEmitOnError: false,
  });
  const emitted = program.emit();
  const all = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  const describe = (d: ts.Diagnostic) =>
    `${d.file ? path.relative(ROOT, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  const fatal = all.filter((d) => !d.file || !GUARDED.test(d.file.fileName));
  if (fatal.length > 0) throw new Error(`compilation failed:\n${fatal.map(describe).join('\n')}`);
  // Non-TypeScript files next to the sources (templates, scripts) travel with the compiled code.
  for (const dir of ['src', 'bench']) copyNonTs(path.join(ROOT, dir), path.join(OUT, dir));
  for (const dir of ['assets']) {
    if (fs.existsSync(path.join(ROOT, dir)) && !fs.existsSync(path.join(OUT, dir))) {
      fs.symlinkSync(path.join(ROOT, dir), path.join(OUT, dir), 'dir');
    }
  }
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `process.exit(typeof require(${JSON.stringify(path.join(OUT, 'src'))}).MastodonSocial === 'function' ? 0 : 3)`,
    ],
    { encoding: 'utf8' },
  );
  const mastodonSocial = probe.status === 0;
  const guardedErrors = all.filter((d) => d.file && GUARDED.test(d.file.fileName));
  if (mastodonSocial && guardedErrors.length > 0) {
    throw new Error(`compilation failed:\n${guardedErrors.map(describe).join('\n')}`);
  }
  return { mastodonSocial, diagnostics: guardedErrors.map(describe) };
}

function copyNonTs(from: string, to: string) {
  if (!fs.existsSync(from)) return;
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) {
      copyNonTs(src, dst);
    } else if (!e.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

interface App {
  readonly key: string;
  readonly label: string;
  readonly file: string;
}

interface RunResult {
  wallMs: number;
  maxRssKiB: number;
  inProcessMs: number;
  /** User plus system CPU time of the child: less sensitive than wall time to a busy machine. */
  cpuMs: number;
  outdir: string;
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-mastodon-bench-'));
let runCounter = 0;

function runOnce(
  app: App,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  keep = false,
): RunResult {
  const outdir = path.join(tmpRoot, `run-${++runCounter}`);
  const resultFile = path.join(tmpRoot, `result-${runCounter}.json`);
  const child = path.join(OUT, 'bench', 'harness', 'child.js');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...nodeArgs, child, path.join(OUT, 'bench', 'apps', app.file)], {
    env: { ...process.env, ...env, CDK_OUTDIR: outdir, BENCH_RESULT_FILE: resultFile },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${app.label} failed (exit ${r.status}):\n${r.stderr}`);
  }
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  fs.rmSync(resultFile);
  if (!keep) fs.rmSync(outdir, { recursive: true, force: true });
  return {
    wallMs,
    maxRssKiB: result.maxRssKiB,
    inProcessMs: result.inProcessMs,
    cpuMs: result.userCpuMs + result.systemCpuMs,
    outdir,
  };
}

function templateInfo(outdir: string) {
  const file = path.join(outdir, TEMPLATE);
  const text = fs.readFileSync(file, 'utf8');
  const template = JSON.parse(text);
  return {
    counts: resourceCounts(template),
    resources: Object.keys(template.Resources ?? {}).length,
    bytes: Buffer.byteLength(text),
    minifiedBytes: Buffer.byteLength(JSON.stringify(template)),
  };
}

function cdkVersion(): string {
  const file = path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function log(msg: string) {
  process.stderr.write(`${msg}\n`);
}

function packageSizes(): string[] {
  const lines: string[] = [];
  const exec = (task: string) => {
    log(`packaging: npx projen ${task}`);
    const r = spawnSync('npx', ['projen', task], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`npx projen ${task} failed:\n${r.stdout}\n${r.stderr}`);
  };
  try {
    exec('compile');
    exec('package:js');
    exec('package:python');
  } catch (e) {
    lines.push(`- packaging failed: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = (dir: string, ext: string) =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith(ext))
          .map((f) => path.join(dir, f))
      : [];
  for (const f of [
    ...list(path.join(ROOT, 'dist', 'js'), '.tgz'),
    ...list(path.join(ROOT, 'dist', 'python'), '.whl'),
  ]) {
    let detail = '';
    if (f.endsWith('.tgz')) {
      const t = spawnSync('tar', ['tzf', f], { encoding: 'utf8' });
      if (t.status === 0) {
        const files = t.stdout.split('\n').filter(Boolean);
        const bench = files.filter((n) => n.startsWith('package/bench/')).length;
        detail = `, ${files.length} files${bench === 0 ? ', no bench/ files' : `, **${bench} bench/ files**`}`;
      }
    }
    lines.push(
      `- \`${path.relative(ROOT, f)}\`: ${fs.statSync(f).size.toLocaleString('en-US')} bytes${detail}`,
    );
  }
  return lines;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const report: string[] = [];
  ensureBundled(ROOT, log);
  log('compiling bench/ and src/ ...');
  const { mastodonSocial, diagnostics } = compile();

  const apps: App[] = [
    { key: 'floor', label: '1 floor (empty stack)', file: 'floor.js' },
    { key: 'baseline', label: '2 baseline (aws-cdk-lib by hand)', file: 'baseline.js' },
  ];
  const social: App = { key: 'social', label: '3 MastodonSocial (defaults)', file: 'mastodon-social.js' };
  if (mastodonSocial) {
    apps.push(social);
  } else {
    log('SKIPPING app 3: MastodonSocial is not exported from src/index.ts yet');
    for (const d of diagnostics) log(`  ${d}`);
  }

  // Interleaved timed runs
  const order = interleave(apps, args.warmup, args.runs);
  const samples = new Map<string, RunResult[]>(apps.map((a) => [a.key, []]));
  const first = new Map<string, string>();
  for (const [i, step] of order.entries()) {
    const keep = !first.has(step.app.key);
    const r = runOnce(step.app, {}, [], keep);
    if (keep) first.set(step.app.key, r.outdir);
    log(
      `[${i + 1}/${order.length}] ${step.warmup ? 'warm-up ' : ''}${step.app.key}: ` +
        `${r.wallMs.toFixed(0)} ms, ${(r.maxRssKiB / 1024).toFixed(1)} MiB`,
    );
    if (!step.warmup) samples.get(step.app.key)!.push(r);
  }
  const time = new Map<string, Summary>();
  const cpuTime = new Map<string, Summary>();
  const rss = new Map<string, Summary>();
  for (const a of apps) {
    time.set(a.key, summarize(samples.get(a.key)!.map((r) => r.wallMs)));
    cpuTime.set(a.key, summarize(samples.get(a.key)!.map((r) => r.cpuMs)));
    rss.set(a.key, summarize(samples.get(a.key)!.map((r) => r.maxRssKiB / 1024)));
  }

  const cpu = os.cpus();
  report.push('# Synthesis benchmark', '');
  report.push(
    `Generated by \`npx projen bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${os.platform()} ${os.arch()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, aws-cdk-lib ` +
      `${cdkVersion()}, load average ${os.loadavg()[0].toFixed(1)} at the end. ` +
      `${args.runs} measured runs per app after ${args.warmup} warm-up round(s), interleaved. ` +
      'Wall time is the whole `node` process (start-up, module loading, construction, synthesis, writing ' +
      'the cloud assembly); CPU time is its user plus system time, steadier than wall time on a shared ' +
      'machine; peak RSS is the process’s own `ru_maxrss`. Medians, with (min–max).',
    '',
  );
  const rows = apps.map((a) => [
    a.label,
    fmtSummary(time.get(a.key), 0),
    fmtSummary(cpuTime.get(a.key), 0),
    fmtSummary(rss.get(a.key), 1),
  ]);
  if (!mastodonSocial) rows.push([social.label, 'pending: not exported yet', 'pending', 'pending']);
  report.push(markdownTable(['app', 'wall time, ms', 'CPU time, ms', 'peak RSS, MiB'], rows, 'lrrr'), '');
  const ratios = (x: string, y: string) => [
    ratio(time.get(x), time.get(y)),
    ratio(cpuTime.get(x), cpuTime.get(y)),
    ratio(rss.get(x), rss.get(y)),
  ];
  const verdict = (r: number | undefined) =>
    r === undefined ? '' : r <= 1.1 ? ' ✅' : ' ❌ (target ≤ 1.10)';
  report.push(
    markdownTable(
      ['ratio of medians', 'wall time', 'CPU time', 'memory'],
      [
        [
          '3 / 2 (abstraction overhead; target ≤ 1.10)',
          ...ratios('social', 'baseline').map((r) => fmtRatio(r) + verdict(r)),
        ],
        ['3 / 1', ...ratios('social', 'floor').map(fmtRatio)],
        ['2 / 1 (for reference)', ...ratios('baseline', 'floor').map(fmtRatio)],
      ],
      'lrrr',
    ),
    '',
  );

  // Templates: counts side by side
  const baseInfo = templateInfo(first.get('baseline')!);
  const socialInfo = first.has('social') ? templateInfo(first.get('social')!) : undefined;
  report.push('## Default template', '');
  const sizeRow = (label: string, f: (i: ReturnType<typeof templateInfo>) => string) => [
    label,
    f(baseInfo),
    socialInfo ? f(socialInfo) : 'pending',
  ];
  report.push(
    markdownTable(
      ['', '2 baseline', '3 MastodonSocial'],
      [
        sizeRow('resources', (i) => String(i.resources)),
        sizeRow('template bytes (as synthesized)', (i) => i.bytes.toLocaleString('en-US')),
        sizeRow('template bytes (minified)', (i) => i.minifiedBytes.toLocaleString('en-US')),
      ],
      'lrr',
    ),
    '',
    'CloudFormation accepts at most 51,200 bytes inline (larger templates go through S3, as the CDK CLI ' +
      'does with a bootstrapped environment) and 1,000,000 bytes in all; 500 resources per stack.',
    '',
  );
  const types = [...new Set([...baseInfo.counts.keys(), ...(socialInfo?.counts.keys() ?? [])])].sort();
  const countRows = types.map((t) => {
    const b = baseInfo.counts.get(t) ?? 0;
    const s = socialInfo ? (socialInfo.counts.get(t) ?? 0) : undefined;
    return [`\`${t}\``, String(b), s === undefined ? '' : String(s), s === undefined || s === b ? '' : '≠'];
  });
  report.push(markdownTable(['resource type', '2 baseline', '3 MastodonSocial', ''], countRows, 'lrrl'), '');
  if (socialInfo) {
    const differ = countRows.filter((r) => r[3] === '≠').length;
    report.push(
      differ === 0
        ? 'The baseline creates the same resource types and counts as `MastodonSocial`.'
        : `**${differ} resource type(s) differ: align bench/apps/baseline-stack.ts before reading the ratio.**`,
      '',
    );
  }

  // Growth study
  if (args.growth) {
    report.push('## Growth with fleet size and readers', '');
    report.push(
      `Median CPU time and peak RSS of ${args.growthRuns} run(s) per point. A maximum fleet size is one number in the template, ` +
        'so neither time nor template should grow with it; each Aurora reader adds one `AWS::RDS::DBInstance`. ' +
        `Aurora's maximum is ${GROWTH_MAX_ACU} ACU at every point (a 50-host fleet needs the connections).`,
      '',
    );
    const growthApps = [apps[1], ...(mastodonSocial ? [social] : [])];
    const points: Array<{ label: string; env: Record<string, string> }> = [
      ...[3, 10, 50].map((n) => ({
        label: `web max ${n}, readers 0`,
        env: { BENCH_WEB_MAX: String(n), BENCH_READERS: '0', BENCH_AURORA_MAX_ACU: GROWTH_MAX_ACU },
      })),
      ...[1, 3].map((n) => ({
        label: `web max 4, readers ${n}`,
        env: { BENCH_WEB_MAX: '4', BENCH_READERS: String(n), BENCH_AURORA_MAX_ACU: GROWTH_MAX_ACU },
      })),
    ];
    const cells = new Map<string, RunResult[]>();
    const firstOut = new Map<string, string>();
    for (let round = 0; round < args.growthRuns; round++) {
      for (const p of points) {
        for (const a of growthApps) {
          const k = `${a.key}|${p.label}`;
          const keep = !firstOut.has(k);
          const r = runOnce(a, p.env, [], keep);
          if (keep) firstOut.set(k, r.outdir);
          log(
            `growth ${a.key} [${p.label}]: ${r.wallMs.toFixed(0)} ms, ${(r.maxRssKiB / 1024).toFixed(1)} MiB`,
          );
          cells.set(k, [...(cells.get(k) ?? []), r]);
        }
      }
    }
    const header = ['configuration'];
    for (const a of growthApps) {
      header.push(`${a.key}: CPU ms`, `${a.key}: MiB`, `${a.key}: resources`, `${a.key}: bytes`);
    }
    const growthRows = points.map((p) => {
      const row = [p.label];
      for (const a of growthApps) {
        const k = `${a.key}|${p.label}`;
        const rs = cells.get(k)!;
        const info = templateInfo(firstOut.get(k)!);
        row.push(
          summarize(rs.map((r) => r.cpuMs)).median.toFixed(0),
          summarize(rs.map((r) => r.maxRssKiB / 1024)).median.toFixed(1),
          String(info.resources),
          info.bytes.toLocaleString('en-US'),
        );
      }
      return row;
    });
    report.push(markdownTable(header, growthRows, 'l' + 'r'.repeat(header.length - 1)), '');
    if (!mastodonSocial) report.push('MastodonSocial: pending (not exported yet).', '');
  }

  // Package sizes
  report.push('## Package sizes', '');
  if (args.packageSizes) report.push(...packageSizes(), '');
  else report.push('Not measured in this run (`--no-package` or `--quick`).', '');

  // CPU profile of the library's app
  if (args.cpuProf) {
    const target = mastodonSocial ? social : apps[1];
    const dir = path.join(tmpRoot, 'cpu-prof');
    runOnce(target, {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    const kept = path.join(OUT, '..', `${target.key}.cpuprofile`);
    fs.copyFileSync(path.join(dir, file), kept);
    log(`CPU profile kept at ${kept} (open it in Chrome DevTools or speedscope)`);
    report.push(`## CPU profile of ${target.label}`, '');
    report.push(
      'One run with `--cpu-prof`; the full profile stays in `node_modules/.cache/cdk-mastodon-bench/`. ' +
        'Self time by module, then by function:',
      '',
    );
    report.push(summarizeCpuProfile(JSON.parse(fs.readFileSync(kept, 'utf8')), ROOT, 15), '');
  }

  const text = report.join('\n');
  process.stdout.write(`${text}\n`);
  fs.writeFileSync(args.out, text);
  log(`written ${path.relative(process.cwd(), args.out)}`);
  fs.rmSync(tmpRoot, { recursive: true, force: true });
}

main();
