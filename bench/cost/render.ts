/** Markdown rendering of cost estimates (pure). */
import { ASSUMPTION_TEXT, Assumptions, CATEGORIES, categoryTotals, Estimate, PriceTable } from './estimate';
import { markdownTable } from '../harness/stats';

export function usd(v: number): string {
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function range(low: number, high: number): string {
  return low === high ? usd(low) : `${usd(low)} – ${usd(high)}`;
}

function qty(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** Configurations side by side, one row per category, plus the total. */
export function renderSideBySide(estimates: ReadonlyArray<{ name: string; estimate: Estimate }>): string {
  const totals = estimates.map((e) => categoryTotals(e.estimate));
  const rows = CATEGORIES.filter((c) => totals.some((t) => t.has(c))).map((c) => [
    c,
    ...totals.map((t) => {
      const v = t.get(c);
      return v ? range(v.low, v.high) : '–';
    }),
  ]);
  rows.push([
    '**Total per month**',
    ...estimates.map((e) => `**${range(e.estimate.totalLowUsd, e.estimate.totalHighUsd)}**`),
  ]);
  return markdownTable(['', ...estimates.map((e) => e.name)], rows, 'l' + 'r'.repeat(estimates.length));
}

/** One configuration, line by line. */
export function renderItemized(estimate: Estimate): string {
  const rows = estimate.lines.map((l) => [
    l.category,
    l.item,
    l.quantityLow === l.quantityHigh ? qty(l.quantityLow) : `${qty(l.quantityLow)} – ${qty(l.quantityHigh)}`,
    l.unit,
    `$${l.unitPriceUsd}`,
    range(l.monthlyLowUsd, l.monthlyHighUsd),
    l.basis,
  ]);
  rows.push(['**Total**', '', '', '', '', `**${range(estimate.totalLowUsd, estimate.totalHighUsd)}**`, '']);
  return markdownTable(
    ['category', 'item', 'quantity', 'unit', 'unit price', 'per month', 'from'],
    rows,
    'llrlrrl',
  );
}

export function renderAssumptions(a: Assumptions): string {
  const rows = (Object.keys(ASSUMPTION_TEXT) as Array<keyof Assumptions>).map((k) => [
    `\`${k}\``,
    qty(a[k]),
    ASSUMPTION_TEXT[k],
  ]);
  return markdownTable(['assumption', 'value', 'meaning'], rows, 'lrl');
}

export function renderPriceSources(prices: PriceTable): string {
  const sources = new Set<string>([
    prices.ec2InstanceHour.source,
    prices.elasticacheNodeHour.source,
    prices.rdsInstanceHour.source,
    prices.freeAllowances.source,
    ...Object.values(prices.prices).map((e) => e.source),
  ]);
  return [
    `Prices: ${prices.region}, ${prices.currency}, transcribed ${prices.transcribed}. ${prices.note}`,
    '',
    ...[...sources].sort().map((s) => `- ${s}`),
  ].join('\n');
}

export const RANGE_NOTE =
  'Each figure is *low – high*: Auto Scaling groups at their desired (else minimum) size and ' +
  'Aurora Serverless v2 at its minimum ACUs, versus the groups at their maximum size and Aurora ' +
  'at its maximum ACUs all month. On-demand prices, no Free Tier, no savings plans, no taxes.';
