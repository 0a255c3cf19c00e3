/**
 * Monthly cost estimate of a synthesized CloudFormation template: a pure function of the template,
 * a dated price table (./prices-<region>.json) and stated assumptions about what the template
 * cannot say (hours, traffic, storage). Every line has a `low` and a `high` figure: Auto Scaling
 * groups at their desired (else minimum) size and Aurora Serverless v2 at its minimum ACUs, versus
 * groups at their maximum size and Aurora at its maximum ACUs.
 *
 * Figures are rounded to cents per line; totals add the rounded lines.
 */

export interface PriceEntry {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

export interface PriceList {
  readonly source: string;
  readonly note?: string;
  /** Hourly price by type name. */
  readonly types: Readonly<Record<string, number>>;
}

export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  /** The date (YYYY-MM-DD) the prices were transcribed. */
  readonly transcribed: string;
  readonly note: string;
  /** Quantities AWS does not charge for each month. */
  readonly freeAllowances: {
    readonly dataTransferOutGb: number;
    readonly note: string;
    readonly source: string;
  };
  readonly ec2InstanceHour: PriceList;
  readonly elasticacheNodeHour: PriceList;
  readonly rdsInstanceHour: PriceList;
  readonly prices: {
    readonly publicIpv4Hour: PriceEntry;
    readonly natGatewayHour: PriceEntry;
    readonly natGatewayGb: PriceEntry;
    readonly albHour: PriceEntry;
    readonly albLcuHour: PriceEntry;
    readonly auroraServerlessV2AcuHour: PriceEntry;
    readonly auroraServerlessV2AcuHourIoOptimized: PriceEntry;
    readonly auroraStorageGbMonth: PriceEntry;
    readonly auroraStorageGbMonthIoOptimized: PriceEntry;
    readonly auroraIoMillion: PriceEntry;
    readonly ebsGp3GbMonth: PriceEntry;
    readonly ebsGp2GbMonth: PriceEntry;
    readonly s3StandardGbMonth: PriceEntry;
    readonly s3PutThousand: PriceEntry;
    readonly s3GetThousand: PriceEntry;
    readonly dataTransferOutGb: PriceEntry;
    readonly secretsManagerSecretMonth: PriceEntry;
    readonly secretsManagerApiTenThousand: PriceEntry;
    readonly cloudwatchLogsIngestGb: PriceEntry;
    readonly cloudwatchLogsStorageGbMonth: PriceEntry;
    readonly cloudwatchAlarmMonth: PriceEntry;
    readonly kmsKeyMonth: PriceEntry;
    readonly route53HostedZoneMonth: PriceEntry;
  };
}

/** What the template cannot tell. All amounts are per month. */
export interface Assumptions {
  /** Hours every resource runs in a month. */
  readonly hoursPerMonth: number;
  /** GB processed by the NAT gateways (federation, package and image downloads). */
  readonly natProcessedGb: number;
  /** GB sent to the internet in all (web responses, federation), before the free allowance. */
  readonly dataTransferOutGb: number;
  /** Average Load Balancer Capacity Units consumed by each ALB. */
  readonly albLcu: number;
  /** Aurora cluster volume, GB (backups up to this size are free; 7-day retention assumed within it). */
  readonly auroraStorageGb: number;
  /** Aurora I/O requests, millions (Aurora Standard only). */
  readonly auroraIoMillions: number;
  /** Media stored in S3, GB (all buckets together). */
  readonly mediaStorageGb: number;
  /** S3 PUT/COPY/POST/LIST requests, thousands. */
  readonly s3PutThousands: number;
  /** S3 GET requests, thousands. */
  readonly s3GetThousands: number;
  /** Secrets Manager API calls, ten-thousands (hosts read secrets at boot). */
  readonly secretsApiTenThousands: number;
  /** Log data ingested into CloudWatch Logs, GB. */
  readonly logsIngestGb: number;
  /** Log data archived in CloudWatch Logs (compressed), GB. */
  readonly logsStoredGb: number;
  /** Root volume size when a launch template does not say, GB (Amazon Linux 2023 AMIs: 8). */
  readonly defaultRootVolumeGb: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  hoursPerMonth: 730,
  natProcessedGb: 100,
  dataTransferOutGb: 200,
  albLcu: 1,
  auroraStorageGb: 20,
  auroraIoMillions: 20,
  mediaStorageGb: 100,
  s3PutThousands: 100,
  s3GetThousands: 1000,
  secretsApiTenThousands: 1,
  logsIngestGb: 5,
  logsStoredGb: 10,
  defaultRootVolumeGb: 8,
};

export const ASSUMPTION_TEXT: Readonly<Record<keyof Assumptions, string>> = {
  hoursPerMonth: 'hours a month every resource runs',
  natProcessedGb: 'GB processed by NAT gateways',
  dataTransferOutGb: 'GB out to the internet (before the free allowance)',
  albLcu: 'average LCUs per load balancer',
  auroraStorageGb: 'GB Aurora cluster volume (backups within it are free)',
  auroraIoMillions: 'million Aurora I/O requests (Aurora Standard)',
  mediaStorageGb: 'GB media in S3',
  s3PutThousands: 'thousand S3 PUT requests',
  s3GetThousands: 'thousand S3 GET requests',
  secretsApiTenThousands: 'ten-thousand Secrets Manager API calls',
  logsIngestGb: 'GB logs ingested into CloudWatch',
  logsStoredGb: 'GB logs stored in CloudWatch',
  defaultRootVolumeGb: 'GB root volume when a launch template does not say',
};

export type Category =
  | 'EC2 instances'
  | 'EBS volumes'
  | 'Public IPv4 addresses'
  | 'NAT gateways'
  | 'Load balancers'
  | 'Aurora'
  | 'ElastiCache'
  | 'S3'
  | 'Data transfer'
  | 'Secrets Manager'
  | 'CloudWatch'
  | 'KMS'
  | 'Route 53';

export const CATEGORIES: ReadonlyArray<Category> = [
  'EC2 instances',
  'EBS volumes',
  'Public IPv4 addresses',
  'NAT gateways',
  'Load balancers',
  'Aurora',
  'ElastiCache',
  'S3',
  'Data transfer',
  'Secrets Manager',
  'CloudWatch',
  'KMS',
  'Route 53',
];

export interface CostLine {
  readonly category: Category;
  readonly item: string;
  /** Quantity in `unit` for the month, low and high. */
  readonly quantityLow: number;
  readonly quantityHigh: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyLowUsd: number;
  readonly monthlyHighUsd: number;
  /** Whether the quantity comes from the template or from an assumption. */
  readonly basis: 'template' | 'assumption';
}

export interface Estimate {
  readonly region: string;
  readonly lines: ReadonlyArray<CostLine>;
  readonly totalLowUsd: number;
  readonly totalHighUsd: number;
  /** Things the estimate could not price or had to guess. */
  readonly warnings: ReadonlyArray<string>;
  readonly assumptions: Assumptions;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

export interface Template {
  readonly Resources?: Record<string, Resource>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

export function cents(usd: number): number {
  return Math.round((usd + Number.EPSILON) * 100) / 100;
}

/**
 * Estimates the monthly cost of `template` with `prices` and `assumptions`.
 */
export function estimateMonthlyCost(
  template: Template,
  prices: PriceTable,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): Estimate {
  const resources = template.Resources ?? {};
  const lines: CostLine[] = [];
  const warnings: string[] = [];
  const p = prices.prices;
  const hours = assumptions.hoursPerMonth;

  const add = (
    category: Category,
    item: string,
    quantityLow: number,
    quantityHigh: number,
    unit: string,
    unitPriceUsd: number,
    basis: CostLine['basis'],
  ) => {
    lines.push({
      category,
      item,
      quantityLow,
      quantityHigh,
      unit,
      unitPriceUsd,
      monthlyLowUsd: cents(quantityLow * unitPriceUsd),
      monthlyHighUsd: cents(quantityHigh * unitPriceUsd),
      basis,
    });
  };
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const props = (r: Resource | undefined): Record<string, any> => r?.Properties ?? {};

  /** Resolves a literal, a `Ref` to a parameter with a default, or returns undefined. */
  const literal = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const ref = (v as any).Ref;
    if (typeof ref === 'string' && template.Parameters?.[ref]?.Default !== undefined) {
      return template.Parameters[ref].Default;
    }
    return undefined;
  };
  const num = (v: unknown): number | undefined => {
    const l = literal(v);
    if (l === undefined || l === '') return undefined;
    const n = Number(l);
    return Number.isFinite(n) ? n : undefined;
  };
  /** The logical ID a `Ref` or `Fn::GetAtt` points to. */
  const target = (v: unknown): string | undefined => {
    if (v === null || typeof v !== 'object') return undefined;
    const o = v as any;
    if (typeof o.Ref === 'string') return o.Ref;
    const att = o['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
    if (typeof att === 'string') return att.split('.')[0];
    return undefined;
  };
  const hourly = (list: PriceList, type: string, what: string): number | undefined => {
    const price = list.types[type];
    if (price === undefined) {
      warnings.push(`${what}: no ${prices.region} price for '${type}' in the price table`);
    }
    return price;
  };

  // EC2: Auto Scaling groups and their launch templates
  let publicHostsLow = 0;
  let publicHostsHigh = 0;
  for (const [id, asg] of ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const a = props(asg);
    const min = num(a.MinSize) ?? 0;
    const max = num(a.MaxSize) ?? min;
    const low = num(a.DesiredCapacity) ?? min;
    const lt = a.LaunchTemplate ?? a.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    let data: Record<string, any> | undefined;
    let instanceType: string | undefined;
    if (lt) {
      const ltId = target(lt.LaunchTemplateId) ?? target(lt.LaunchTemplateName);
      const ltRes = ltId ? resources[ltId] : undefined;
      if (ltRes?.Type === 'AWS::EC2::LaunchTemplate') data = props(ltRes).LaunchTemplateData ?? {};
      instanceType = literal(data?.InstanceType) as string | undefined;
      const overrides = a.MixedInstancesPolicy?.LaunchTemplate?.Overrides;
      if (Array.isArray(overrides) && overrides.length > 0 && overrides[0].InstanceType) {
        instanceType = literal(overrides[0].InstanceType) as string | undefined;
        warnings.push(`${id}: mixed instances policy priced as its first override (${instanceType})`);
      }
    } else if (a.LaunchConfigurationName) {
      const lcId = target(a.LaunchConfigurationName);
      data = lcId ? props(resources[lcId]) : undefined;
      instanceType = literal(data?.InstanceType) as string | undefined;
    }
    if (!instanceType) {
      warnings.push(`${id}: could not resolve the instance type of its launch template; not priced`);
      continue;
    }
    const price = hourly(prices.ec2InstanceHour, instanceType, id);
    if (price !== undefined) {
      add(
        'EC2 instances',
        `${id}: ${low === max ? low : `${low}–${max}`} × ${instanceType}`,
        low * hours,
        max * hours,
        'instance-hours',
        price,
        'template',
      );
    }
    // EBS volumes of each instance
    const mappings: any[] = Array.isArray(data?.BlockDeviceMappings) ? data!.BlockDeviceMappings : [];
    const volumes = mappings.filter((m) => m.Ebs);
    const ebs =
      volumes.length > 0
        ? volumes.map((m) => ({ gb: num(m.Ebs.VolumeSize), type: literal(m.Ebs.VolumeType) ?? 'gp3' }))
        : [{ gb: assumptions.defaultRootVolumeGb, type: 'gp3', assumed: true }];
    for (const v of ebs) {
      const gb = v.gb ?? assumptions.defaultRootVolumeGb;
      const entry = v.type === 'gp2' ? p.ebsGp2GbMonth : p.ebsGp3GbMonth;
      if (v.type !== 'gp2' && v.type !== 'gp3') {
        warnings.push(`${id}: EBS volume type ${v.type} priced as gp3`);
      }
      add(
        'EBS volumes',
        `${id}: ${gb} GB ${v.type === 'gp2' ? 'gp2' : 'gp3'} per instance`,
        low * gb,
        max * gb,
        'GB-months',
        entry.usd,
        'assumed' in v || v.gb === undefined ? 'assumption' : 'template',
      );
    }
    // Public IPv4: explicit on the launch template's interfaces, else the subnets' default
    const nics: any[] = Array.isArray(data?.NetworkInterfaces) ? data!.NetworkInterfaces : [];
    const explicit = nics.find((n) => n.AssociatePublicIpAddress !== undefined)?.AssociatePublicIpAddress;
    let isPublic: boolean;
    if (explicit !== undefined) {
      isPublic = literal(explicit) === true || literal(explicit) === 'true';
    } else {
      const subnets: unknown[] = Array.isArray(a.VPCZoneIdentifier) ? a.VPCZoneIdentifier : [];
      const subnetResources = subnets.map((s) => resources[target(s) ?? '']);
      isPublic =
        subnetResources.length > 0 &&
        subnetResources.every((s) => s?.Type === 'AWS::EC2::Subnet' && props(s).MapPublicIpOnLaunch === true);
    }
    if (isPublic) {
      publicHostsLow += low;
      publicHostsHigh += max;
    }
  }
  for (const [id, inst] of ofType('AWS::EC2::Instance')) {
    const type = literal(props(inst).InstanceType) as string | undefined;
    const price = type ? hourly(prices.ec2InstanceHour, type, id) : undefined;
    if (!type) warnings.push(`${id}: could not resolve its instance type; not priced`);
    if (price !== undefined) {
      add('EC2 instances', `${id}: 1 × ${type}`, hours, hours, 'instance-hours', price, 'template');
    }
    const nics: any[] = props(inst).NetworkInterfaces ?? [];
    if (nics.some((n) => literal(n.AssociatePublicIpAddress) === true)) {
      publicHostsLow += 1;
      publicHostsHigh += 1;
    }
  }

  // Public IPv4 addresses, all at the same hourly price
  const addAddresses = (item: string, low: number, high: number) =>
    add(
      'Public IPv4 addresses',
      item,
      low * hours,
      high * hours,
      'address-hours',
      p.publicIpv4Hour.usd,
      'template',
    );
  if (publicHostsHigh > 0) {
    addAddresses(
      `hosts with a public address: ${publicHostsLow === publicHostsHigh ? publicHostsLow : `${publicHostsLow}–${publicHostsHigh}`}`,
      publicHostsLow,
      publicHostsHigh,
    );
  }
  const eips = ofType('AWS::EC2::EIP').length;
  if (eips > 0) addAddresses(`Elastic IPs (NAT gateways and others): ${eips}`, eips, eips);
  const loadBalancers = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
  let lbAddresses = 0;
  for (const [id, lb] of loadBalancers) {
    const l = props(lb);
    if ((literal(l.Scheme) ?? 'internet-facing') !== 'internet-facing') continue;
    const zones = Array.isArray(l.SubnetMappings)
      ? l.SubnetMappings.length
      : Array.isArray(l.Subnets)
        ? l.Subnets.length
        : undefined;
    if (zones === undefined) warnings.push(`${id}: subnets not a list; assumed 2 zones`);
    lbAddresses += zones ?? 2;
  }
  if (lbAddresses > 0) {
    addAddresses(`internet-facing load balancers, one per zone: ${lbAddresses}`, lbAddresses, lbAddresses);
  }

  // NAT gateways
  const nats = ofType('AWS::EC2::NatGateway').length;
  if (nats > 0) {
    add(
      'NAT gateways',
      `${nats} × NAT gateway`,
      nats * hours,
      nats * hours,
      'gateway-hours',
      p.natGatewayHour.usd,
      'template',
    );
    add(
      'NAT gateways',
      'data processed',
      assumptions.natProcessedGb,
      assumptions.natProcessedGb,
      'GB',
      p.natGatewayGb.usd,
      'assumption',
    );
  }

  // Load balancers
  const albs = loadBalancers.filter(([, lb]) => (literal(props(lb).Type) ?? 'application') === 'application');
  for (const [id] of loadBalancers.filter((l) => !albs.includes(l))) {
    warnings.push(`${id}: only Application Load Balancers are priced`);
  }
  if (albs.length > 0) {
    const n = albs.length;
    add(
      'Load balancers',
      `${n} × Application Load Balancer`,
      n * hours,
      n * hours,
      'LB-hours',
      p.albHour.usd,
      'template',
    );
    const lcuHours = n * assumptions.albLcu * hours;
    add(
      'Load balancers',
      `${assumptions.albLcu} LCU each`,
      lcuHours,
      lcuHours,
      'LCU-hours',
      p.albLcuHour.usd,
      'assumption',
    );
  }

  // Aurora
  const clusters = ofType('AWS::RDS::DBCluster');
  for (const [id, inst] of ofType('AWS::RDS::DBInstance')) {
    const i = props(inst);
    const cls = literal(i.DBInstanceClass) as string | undefined;
    const clusterId = target(i.DBClusterIdentifier);
    const cluster = clusterId ? props(resources[clusterId]) : {};
    const ioOptimized = literal(cluster.StorageType) === 'aurora-iopt1';
    if (cls === 'db.serverless') {
      const scaling = cluster.ServerlessV2ScalingConfiguration ?? {};
      const minAcu = num(scaling.MinCapacity);
      const maxAcu = num(scaling.MaxCapacity);
      if (minAcu === undefined || maxAcu === undefined) {
        warnings.push(
          `${id}: Serverless v2 instance without a scaling configuration on its cluster; not priced`,
        );
        continue;
      }
      const entry = ioOptimized ? p.auroraServerlessV2AcuHourIoOptimized : p.auroraServerlessV2AcuHour;
      add(
        'Aurora',
        `${id}: Serverless v2, ${minAcu}–${maxAcu} ACU${ioOptimized ? ' (I/O-Optimized)' : ''}`,
        minAcu * hours,
        maxAcu * hours,
        'ACU-hours',
        entry.usd,
        'template',
      );
    } else if (cls) {
      const price = hourly(prices.rdsInstanceHour, cls, id);
      if (price !== undefined) {
        add('Aurora', `${id}: 1 × ${cls}`, hours, hours, 'instance-hours', price, 'template');
      }
    } else {
      warnings.push(`${id}: could not resolve its instance class; not priced`);
    }
  }
  for (const [id, c] of clusters) {
    const ioOptimized = literal(props(c).StorageType) === 'aurora-iopt1';
    const gb = assumptions.auroraStorageGb;
    add(
      'Aurora',
      `${id}: storage${ioOptimized ? ' (I/O-Optimized)' : ''}`,
      gb,
      gb,
      'GB-months',
      (ioOptimized ? p.auroraStorageGbMonthIoOptimized : p.auroraStorageGbMonth).usd,
      'assumption',
    );
    if (!ioOptimized) {
      const io = assumptions.auroraIoMillions;
      add('Aurora', `${id}: I/O requests`, io, io, 'million requests', p.auroraIoMillion.usd, 'assumption');
    }
  }

  // ElastiCache
  for (const [id, rg] of ofType('AWS::ElastiCache::ReplicationGroup')) {
    const r = props(rg);
    const type = literal(r.CacheNodeType) as string | undefined;
    const nodes =
      num(r.NumCacheClusters) ?? (num(r.NumNodeGroups) ?? 1) * (1 + (num(r.ReplicasPerNodeGroup) ?? 0));
    if (literal(r.Engine) === 'valkey') warnings.push(`${id}: Valkey priced at Redis OSS node prices`);
    const price = type ? hourly(prices.elasticacheNodeHour, type, id) : undefined;
    if (!type) warnings.push(`${id}: could not resolve its node type; not priced`);
    if (price !== undefined) {
      add(
        'ElastiCache',
        `${id}: ${nodes} × ${type}`,
        nodes * hours,
        nodes * hours,
        'node-hours',
        price,
        'template',
      );
    }
  }
  for (const [id, cc] of ofType('AWS::ElastiCache::CacheCluster')) {
    const c = props(cc);
    const type = literal(c.CacheNodeType) as string | undefined;
    const nodes = num(c.NumCacheNodes) ?? 1;
    const price = type ? hourly(prices.elasticacheNodeHour, type, id) : undefined;
    if (price !== undefined) {
      add(
        'ElastiCache',
        `${id}: ${nodes} × ${type}`,
        nodes * hours,
        nodes * hours,
        'node-hours',
        price,
        'template',
      );
    }
  }
  for (const [id] of ofType('AWS::ElastiCache::ServerlessCache')) {
    warnings.push(`${id}: ElastiCache Serverless is not priced (and Sidekiq cannot use it)`);
  }

  // S3
  const buckets = ofType('AWS::S3::Bucket').length;
  if (buckets > 0) {
    const a = assumptions;
    add(
      'S3',
      `storage (${buckets} bucket${buckets > 1 ? 's' : ''})`,
      a.mediaStorageGb,
      a.mediaStorageGb,
      'GB-months',
      p.s3StandardGbMonth.usd,
      'assumption',
    );
    add(
      'S3',
      'PUT requests',
      a.s3PutThousands,
      a.s3PutThousands,
      'thousand requests',
      p.s3PutThousand.usd,
      'assumption',
    );
    add(
      'S3',
      'GET requests',
      a.s3GetThousands,
      a.s3GetThousands,
      'thousand requests',
      p.s3GetThousand.usd,
      'assumption',
    );
  }

  // Data transfer to the internet (only when something faces it)
  if (lbAddresses > 0 || nats > 0 || publicHostsHigh > 0) {
    const billable = Math.max(0, assumptions.dataTransferOutGb - prices.freeAllowances.dataTransferOutGb);
    add(
      'Data transfer',
      `out to the internet: ${assumptions.dataTransferOutGb} GB, first ${prices.freeAllowances.dataTransferOutGb} GB free`,
      billable,
      billable,
      'GB',
      p.dataTransferOutGb.usd,
      'assumption',
    );
  }

  // Secrets Manager (CDK-generated secrets, plus RDS-managed master passwords)
  const managed = clusters.filter(([, c]) => literal(props(c).ManageMasterUserPassword) === true).length;
  const secrets = ofType('AWS::SecretsManager::Secret').length + managed;
  if (secrets > 0) {
    add(
      'Secrets Manager',
      `${secrets} × secret`,
      secrets,
      secrets,
      'secret-months',
      p.secretsManagerSecretMonth.usd,
      'template',
    );
    const calls = assumptions.secretsApiTenThousands;
    add(
      'Secrets Manager',
      'API calls',
      calls,
      calls,
      '10k calls',
      p.secretsManagerApiTenThousand.usd,
      'assumption',
    );
  }

  // CloudWatch
  const logGroups = ofType('AWS::Logs::LogGroup').length;
  if (logGroups > 0) {
    const a = assumptions;
    add(
      'CloudWatch',
      `log ingestion (${logGroups} log group${logGroups > 1 ? 's' : ''})`,
      a.logsIngestGb,
      a.logsIngestGb,
      'GB',
      p.cloudwatchLogsIngestGb.usd,
      'assumption',
    );
    add(
      'CloudWatch',
      'log storage',
      a.logsStoredGb,
      a.logsStoredGb,
      'GB-months',
      p.cloudwatchLogsStorageGbMonth.usd,
      'assumption',
    );
  }
  const targetTracking = ofType('AWS::AutoScaling::ScalingPolicy').filter(
    ([, sp]) => literal(props(sp).PolicyType) === 'TargetTrackingScaling',
  ).length;
  const alarms = ofType('AWS::CloudWatch::Alarm').length + 2 * targetTracking;
  if (alarms > 0) {
    add(
      'CloudWatch',
      `${alarms} alarm${alarms > 1 ? 's' : ''}${targetTracking > 0 ? ` (2 per target-tracking policy)` : ''}`,
      alarms,
      alarms,
      'alarm-months',
      p.cloudwatchAlarmMonth.usd,
      'template',
    );
  }

  // KMS and Route 53
  const keys = ofType('AWS::KMS::Key').length;
  if (keys > 0) {
    add('KMS', `${keys} × customer managed key`, keys, keys, 'key-months', p.kmsKeyMonth.usd, 'template');
  }
  const zones = ofType('AWS::Route53::HostedZone').length;
  if (zones > 0) {
    add(
      'Route 53',
      `${zones} × hosted zone`,
      zones,
      zones,
      'zone-months',
      p.route53HostedZoneMonth.usd,
      'template',
    );
  }

  lines.sort((x, y) => CATEGORIES.indexOf(x.category) - CATEGORIES.indexOf(y.category));
  return {
    region: prices.region,
    lines,
    totalLowUsd: cents(lines.reduce((s, l) => s + l.monthlyLowUsd, 0)),
    totalHighUsd: cents(lines.reduce((s, l) => s + l.monthlyHighUsd, 0)),
    warnings,
    assumptions,
  };
}

/** Sum of the lines of one category, low and high. */
export function categoryTotals(estimate: Estimate): Map<Category, { low: number; high: number }> {
  const totals = new Map<Category, { low: number; high: number }>();
  for (const l of estimate.lines) {
    const t = totals.get(l.category) ?? { low: 0, high: 0 };
    totals.set(l.category, { low: cents(t.low + l.monthlyLowUsd), high: cents(t.high + l.monthlyHighUsd) });
  }
  return totals;
}
