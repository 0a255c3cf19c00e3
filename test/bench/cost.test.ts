import * as fs from 'fs';
import * as path from 'path';
import {
  Assumptions,
  categoryTotals,
  CostLine,
  DEFAULT_ASSUMPTIONS,
  estimateMonthlyCost,
  PriceTable,
} from '../../bench/cost/estimate';
import { renderSideBySide } from '../../bench/cost/render';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8'));
const PRICES: PriceTable = fixture('prices.json');

/** Round numbers, so every expected figure below can be checked by hand. */
const ASSUME: Assumptions = {
  hoursPerMonth: 100,
  natProcessedGb: 10,
  dataTransferOutGb: 150,
  albLcu: 2,
  auroraStorageGb: 10,
  auroraIoMillions: 5,
  mediaStorageGb: 100,
  s3PutThousands: 10,
  s3GetThousands: 100,
  secretsApiTenThousands: 2,
  logsIngestGb: 4,
  logsStoredGb: 10,
  defaultRootVolumeGb: 8,
};

/** [item, low, high] of each line, for exact comparison. */
const figures = (lines: ReadonlyArray<CostLine>) =>
  lines.map((l) => [l.item, l.monthlyLowUsd, l.monthlyHighUsd] as const);

describe('cost estimate: hosts', () => {
  // GIVEN a scheduler group (1 × t4g.small, explicit public address, 20 GB gp3), a web group
  // (2–4 × an instance type from a parameter default, public subnets, default root volume) with a
  // target-tracking policy, and a group whose launch template is not in the template
  const estimate = estimateMonthlyCost(fixture('hosts.template.json'), PRICES, ASSUME);

  test('itemizes instances, volumes, addresses, alarms and data transfer', () => {
    expect(figures(estimate.lines)).toEqual([
      ['Scheduler: 1 × t4g.small', 2, 2], // 100 h × $0.02
      ['Web: 2–4 × t4g.micro', 2, 4], // 200–400 h × $0.01
      ['Scheduler: 20 GB gp3 per instance', 2, 2], // 20 GB × $0.10
      ['Web: 8 GB gp3 per instance', 1.6, 3.2], // 16–32 GB × $0.10
      ['hosts with a public address: 3–5', 1.5, 2.5], // 300–500 h × $0.005
      ['out to the internet: 150 GB, first 100 GB free', 5, 5], // 50 GB × $0.10
      ['2 alarms (2 per target-tracking policy)', 0.2, 0.2],
    ]);
    expect(estimate.totalLowUsd).toBe(14.3);
    expect(estimate.totalHighUsd).toBe(18.9);
  });

  test('says where a quantity is assumed', () => {
    const web = estimate.lines.find((l) => l.item.startsWith('Web: 8 GB'))!;
    expect(web.basis).toBe('assumption');
    expect(estimate.lines.find((l) => l.item.startsWith('Scheduler: 20 GB'))!.basis).toBe('template');
  });

  test('warns about what it cannot price', () => {
    expect(estimate.warnings).toEqual([
      expect.stringMatching(/^Orphan: could not resolve the instance type/),
    ]);
  });

  test('an instance type missing from the price table is reported, not guessed', () => {
    const template = fixture('hosts.template.json');
    template.Resources.SchedulerTemplate.Properties.LaunchTemplateData.InstanceType = 'x9.huge';
    const e = estimateMonthlyCost(template, PRICES, ASSUME);
    expect(e.lines.some((l) => l.item.includes('x9.huge'))).toBe(false);
    expect(e.warnings).toContainEqual("Scheduler: no test-region-1 price for 'x9.huge' in the price table");
  });
});

describe('cost estimate: network and data', () => {
  // GIVEN a NAT gateway with its EIP, an internet-facing ALB in 2 zones, an internal ALB, an NLB in
  // 3 zones, an Aurora Standard cluster (0.5–4 ACU, writer and reader, RDS-managed password), an
  // I/O-Optimized cluster (1–2 ACU), a 3-node and a 2×2-node replication group, two buckets, two
  // secrets, a log group, an alarm, a KMS key and a hosted zone
  const estimate = estimateMonthlyCost(fixture('network-data.template.json'), PRICES, {
    ...ASSUME,
    dataTransferOutGb: 50,
  });

  test('itemizes every priced resource', () => {
    expect(figures(estimate.lines)).toEqual([
      ['Elastic IPs (NAT gateways and others): 1', 0.5, 0.5],
      ['internet-facing load balancers, one per zone: 5', 2.5, 2.5],
      ['1 × NAT gateway', 5, 5],
      ['data processed', 0.5, 0.5],
      ['2 × Application Load Balancer', 4, 4],
      ['2 LCU each', 4, 4], // 2 ALBs × 2 LCU × 100 h × $0.01
      ['Writer: Serverless v2, 0.5–4 ACU', 5, 40],
      ['Reader: Serverless v2, 0.5–4 ACU', 5, 40],
      ['IoWriter: Serverless v2, 1–2 ACU (I/O-Optimized)', 20, 40],
      ['Cluster: storage', 1, 1],
      ['Cluster: I/O requests', 1, 1],
      ['IoCluster: storage (I/O-Optimized)', 2, 2],
      ['Redis: 3 × cache.t4g.small', 9, 9],
      ['Sharded: 4 × cache.t4g.small', 12, 12],
      ['storage (2 buckets)', 2, 2],
      ['PUT requests', 0.05, 0.05],
      ['GET requests', 0.04, 0.04],
      ['out to the internet: 50 GB, first 100 GB free', 0, 0],
      ['3 × secret', 1.2, 1.2], // 2 secrets + 1 RDS-managed master password
      ['API calls', 0.1, 0.1],
      ['log ingestion (1 log group)', 2, 2],
      ['log storage', 0.3, 0.3],
      ['1 alarm', 0.1, 0.1],
      ['1 × customer managed key', 1, 1],
      ['1 × hosted zone', 0.5, 0.5],
    ]);
    expect(estimate.totalLowUsd).toBe(78.79);
    expect(estimate.totalHighUsd).toBe(168.79);
    expect(estimate.warnings).toEqual(['Nlb: only Application Load Balancers are priced']);
  });

  test('category totals', () => {
    const totals = categoryTotals(estimate);
    expect(totals.get('Aurora')).toEqual({ low: 34, high: 124 });
    expect(totals.get('ElastiCache')).toEqual({ low: 21, high: 21 });
    expect(totals.has('EC2 instances')).toBe(false);
  });

  test('side by side rendering shows ranges and totals', () => {
    const table = renderSideBySide([{ name: 'a', estimate }]);
    expect(table).toContain('| Aurora | $34.00 – $124.00 |');
    expect(table).toContain('| **Total per month** | **$78.79 – $168.79** |');
  });
});

describe('cost estimate: an empty template', () => {
  test('costs nothing', () => {
    const e = estimateMonthlyCost({ Resources: {} }, PRICES, DEFAULT_ASSUMPTIONS);
    expect(e.lines).toEqual([]);
    expect(e.totalLowUsd).toBe(0);
  });
});

describe('the us-east-1 price table', () => {
  const table: PriceTable = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'bench', 'cost', 'prices-us-east-1.json'), 'utf8'),
  );

  test('is dated and cites an AWS price page for every price', () => {
    expect(table.region).toBe('us-east-1');
    expect(table.transcribed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [name, entry] of Object.entries(table.prices)) {
      expect([name, entry.source]).toEqual([
        name,
        expect.stringMatching(/^https:\/\/aws\.amazon\.com\/.+\/pricing\//),
      ]);
      expect(entry.usd).toBeGreaterThan(0);
    }
    for (const list of [table.ec2InstanceHour, table.elasticacheNodeHour, table.rdsInstanceHour]) {
      expect(list.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
  });

  test('prices the default instance types of the architecture', () => {
    // GIVEN the default deployment's hosts, Redis nodes and Aurora range, for a 730-hour month
    const e = estimateMonthlyCost(fixture('hosts.template.json'), table, DEFAULT_ASSUMPTIONS);
    // THEN one t4g.small costs 730 × $0.0168
    expect(e.lines[0]).toMatchObject({ item: 'Scheduler: 1 × t4g.small', monthlyLowUsd: 12.26 });
    expect(table.elasticacheNodeHour.types['cache.t4g.small']).toBeGreaterThan(0);
    expect(table.prices.auroraServerlessV2AcuHour.usd).toBeGreaterThan(0);
  });
});
