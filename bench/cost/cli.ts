/**
 * Monthly cost estimate: `npx projen cost [-- options]`.
 *
 *   (no options)              synthesize the default, small and seed configurations and print them
 *                             side by side (MastodonSocial when exported, else the baseline apps)
 *   --baseline                use the hand-written baseline apps even when MastodonSocial exists
 *   --template <path>         estimate a synthesized template instead (repeatable: side by side)
 *   --region <region>         price table bench/cost/prices-<region>.json (default us-east-1)
 *   --assume <name>=<value>   override an assumption (repeatable), e.g. --assume mediaStorageGb=500
 *   --out <file>              also write the Markdown report to a file
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  ASSUMPTION_TEXT,
  Assumptions,
  DEFAULT_ASSUMPTIONS,
  Estimate,
  estimateMonthlyCost,
  PriceTable,
  Template,
} from './estimate';
import {
  RANGE_NOTE,
  renderAssumptions,
  renderItemized,
  renderPriceSources,
  renderSideBySide,
} from './render';
import * as library from '../../src';
import { buildBaselineMastodon } from '../apps/baseline-stack';
import { buildMastodonSocial } from '../apps/mastodon-social-stack';
import { BENCH_DOMAIN, BENCH_ZONE, BenchProfile, PROFILES } from '../apps/options';
import { ensureBundled } from '../harness/bundle';

interface Args {
  templates: string[];
  region: string;
  assume: Partial<Record<keyof Assumptions, number>>;
  baseline: boolean;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { templates: [], region: 'us-east-1', assume: {}, baseline: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue; // `npx projen <task> -- <args>` passes the separator through
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--template') {
      args.templates.push(next());
    } else if (a === '--region') {
      args.region = next();
    } else if (a === '--baseline') {
      args.baseline = true;
    } else if (a === '--out') {
      args.out = next();
    } else if (a === '--assume') {
      const [k, v] = next().split('=');
      if (!(k in ASSUMPTION_TEXT) || v === undefined || !Number.isFinite(Number(v))) {
        throw new Error(
          `--assume expects <name>=<number> with name one of ${Object.keys(ASSUMPTION_TEXT).join(', ')}`,
        );
      }
      args.assume[k as keyof Assumptions] = Number(v);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0] + '*/\n');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  return args;
}

export function loadPrices(region: string): PriceTable {
  const file = path.join(__dirname, `prices-${region}.json`);
  if (!fs.existsSync(file)) {
    const have = fs
      .readdirSync(__dirname)
      .filter((f) => /^prices-.*\.json$/.test(f))
      .map((f) => f.slice('prices-'.length, -'.json'.length));
    throw new Error(
      `no price table for ${region} (have: ${have.join(', ')}); add bench/cost/prices-${region}.json`,
    );
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function synthesize(profile: BenchProfile, useLibrary: boolean): Template {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-mastodon-cost-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Mastodon');
    const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', BENCH_ZONE);
    const props = { domain: BENCH_DOMAIN, hostedZone, profile };
    if (useLibrary) buildMastodonSocial(stack, props);
    else buildBaselineMastodon(stack, props);
    return app.synth().getStackByName('Mastodon').template;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const prices = loadPrices(args.region);
  const assumptions: Assumptions = { ...DEFAULT_ASSUMPTIONS, ...args.assume };
  const estimates: Array<{ name: string; estimate: Estimate }> = [];
  const out: string[] = ['# Monthly cost estimate', ''];

  if (args.templates.length > 0) {
    for (const t of args.templates) {
      const template = JSON.parse(fs.readFileSync(t, 'utf8'));
      estimates.push({
        name: path.basename(t),
        estimate: estimateMonthlyCost(template, prices, assumptions),
      });
    }
  } else {
    const exported = typeof (library as Record<string, unknown>).MastodonSocial === 'function';
    const useLibrary = exported && !args.baseline;
    if (!exported) {
      process.stderr.write(
        'MastodonSocial is not exported from src/index.ts yet: estimating the baseline apps\n',
      );
    }
    if (useLibrary) ensureBundled(path.join(__dirname, '..', '..'), (m) => process.stderr.write(`${m}\n`));
    const what = useLibrary ? '`MastodonSocial`' : 'the hand-written baseline (bench/apps/baseline-stack.ts)';
    out.push(
      `Configurations of ${what}: \`default\`, \`small\` (a hobby admin), \`seed\` (the seed write-up).`,
      '',
    );
    for (const profile of PROFILES) {
      estimates.push({
        name: profile,
        estimate: estimateMonthlyCost(synthesize(profile, useLibrary), prices, assumptions),
      });
    }
  }

  out.push(RANGE_NOTE, '', renderSideBySide(estimates), '');
  for (const e of estimates) {
    out.push(`## ${e.name}`, '', renderItemized(e.estimate), '');
    if (e.estimate.warnings.length > 0) out.push(...e.estimate.warnings.map((w) => `- ⚠️ ${w}`), '');
  }
  out.push(
    '## Assumptions',
    '',
    renderAssumptions(assumptions),
    '',
    '## Prices',
    '',
    renderPriceSources(prices),
    '',
  );
  const text = out.join('\n');
  process.stdout.write(text);
  if (args.out) fs.writeFileSync(args.out, text);
}

main();
