/** Small, pure helpers for the benchmark report (unit-tested in test/bench/stats.test.ts). */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function median(values: ReadonlyArray<number>): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(values: ReadonlyArray<number>): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Ratio of two medians, or undefined when either side is missing. */
export function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  if (!a || !b || b.median === 0) return undefined;
  return a.median / b.median;
}

/**
 * The run order: `warmup` rounds then `runs` rounds, each round visiting every app once in the
 * same order (A B C A B C ...), so that drift of a shared machine hits every app alike.
 */
export function interleave<T>(apps: ReadonlyArray<T>, warmup: number, runs: number) {
  const order: Array<{ app: T; round: number; warmup: boolean }> = [];
  for (let round = 0; round < warmup + runs; round++) {
    for (const app of apps) order.push({ app, round, warmup: round < warmup });
  }
  return order;
}

/** Resource counts by type of a CloudFormation template. */
export function resourceCounts(template: {
  Resources?: Record<string, { Type: string }>;
}): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of Object.values(template.Resources ?? {})) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  return new Map([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** A Markdown table; cells are rendered as given. */
export function markdownTable(
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  align?: string,
) {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function fmtRatio(r: number | undefined): string {
  return r === undefined ? 'n/a' : r.toFixed(2);
}

export function fmtSummary(s: Summary | undefined, digits: number, unit = ''): string {
  if (!s) return 'n/a';
  const f = (v: number) => v.toFixed(digits);
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`;
}
