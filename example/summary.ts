/** Renders a short, human summary of a synthesized Mastodon template. */
type Resource = {
  Type: string;
  Properties?: any;
  DeletionPolicy?: string;
  UpdatePolicy?: any;
  DependsOn?: any;
};

const TIERS: Array<[string, RegExp]> = [
  [
    'network',
    /^AWS::EC2::(VPC|Subnet|RouteTable|SubnetRouteTableAssociation|Route|InternetGateway|VPCGatewayAttachment|NatGateway|EIP|FlowLog)$|^AWS::Logs::LogGroup$/,
  ],
  [
    'data',
    /^AWS::(RDS|ElastiCache|S3|SecretsManager)::|^Custom::MastodonVapidKeys$|^AWS::Lambda::|^AWS::CloudFormation::CustomResource$/,
  ],
  ['hosts', /^AWS::AutoScaling::|^AWS::EC2::LaunchTemplate$|^AWS::IAM::InstanceProfile$/],
  ['edge', /^AWS::(ElasticLoadBalancingV2|CertificateManager|Route53)::/],
  ['security', /^AWS::(EC2::SecurityGroup(Ingress|Egress)?|IAM::(Role|Policy))$/],
];

export function summarizeTemplate(
  stackName: string,
  file: string,
  template: { Resources: Record<string, Resource> },
): string {
  const resources = Object.entries(template.Resources);
  const byType = (t: string) => resources.filter(([, r]) => r.Type === t);
  const counts = new Map<string, number>();
  for (const [, r] of resources) {
    const tier = TIERS.find(([, re]) => re.test(r.Type))?.[0] ?? 'other';
    counts.set(tier, (counts.get(tier) ?? 0) + 1);
  }
  const cluster = byType('AWS::RDS::DBCluster')[0]?.[1];
  const instances = byType('AWS::RDS::DBInstance');
  const redis = byType('AWS::ElastiCache::ReplicationGroup')[0]?.[1];
  const params = byType('AWS::ElastiCache::ParameterGroup')[0]?.[1];
  const groups = byType('AWS::AutoScaling::AutoScalingGroup').map(([id, r]) => ({ id, p: r.Properties }));
  const scheduler = groups.find((g) => /Scheduler/.test(g.id));
  const web = groups.find((g) => /WebFleet/.test(g.id));
  const listeners = byType('AWS::ElasticLoadBalancingV2::Listener').map(([, r]) => r.Properties);
  const redirect = listeners.find((l) => l.Port === 80 && l.DefaultActions?.[0]?.Type === 'redirect');
  const https = listeners.find((l) => l.Port === 443 && l.Protocol === 'HTTPS');
  const tg = byType('AWS::ElasticLoadBalancingV2::TargetGroup')[0]?.[1].Properties;
  const bucket = byType('AWS::S3::Bucket')[0];

  const check = (ok: boolean, text: string) => `  ${ok ? '✓' : '✗'} ${text}\n`;
  let out = `stack ${stackName}: ${resources.length} resources -> ${file}\n`;
  out += `resources per tier: ${[...counts.entries()].map(([t, n]) => `${t} ${n}`).join(', ')}\n`;
  out += 'invariants:\n';
  out += check(
    !!cluster?.Properties?.ServerlessV2ScalingConfiguration &&
      instances.every(([, r]) => r.Properties.DBInstanceClass === 'db.serverless'),
    `Aurora PostgreSQL ${cluster?.Properties?.EngineVersion} Serverless v2 (${cluster?.Properties?.ServerlessV2ScalingConfiguration?.MinCapacity}-${cluster?.Properties?.ServerlessV2ScalingConfiguration?.MaxCapacity} ACU), ${instances.length} instance(s), encrypted, deletion policy ${cluster?.DeletionPolicy}`,
  );
  out += check(
    redis?.Properties?.NumCacheClusters >= 1 &&
      redis?.Properties?.ClusterMode === 'disabled' &&
      params?.Properties?.Properties?.['maxmemory-policy'] === 'noeviction',
    `Redis non-clustered: ${redis?.Properties?.NumCacheClusters} nodes ${redis?.Properties?.CacheNodeType}, maxmemory-policy ${params?.Properties?.Properties?.['maxmemory-policy']}, TLS ${redis?.Properties?.TransitEncryptionEnabled}`,
  );
  out += check(
    !!bucket && bucket[1].DeletionPolicy === 'Retain',
    `media bucket retained on delete (${bucket?.[1].DeletionPolicy})`,
  );
  out += check(
    scheduler?.p.MinSize === '1' && scheduler?.p.MaxSize === '1',
    `scheduler group: exactly one host (min ${scheduler?.p.MinSize}, max ${scheduler?.p.MaxSize})`,
  );
  out += check(
    Number(web?.p.MinSize) >= 2,
    `web group: min ${web?.p.MinSize}, max ${web?.p.MaxSize}, health check ${web?.p.HealthCheckType}`,
  );
  out += check(!!redirect && !!https, 'load balancer: HTTP 80 redirects to HTTPS 443');
  out += check(
    tg?.HealthCheckPath === '/robots.txt' && tg?.Matcher?.HttpCode === '200',
    `target group health check ${tg?.HealthCheckProtocol} ${tg?.HealthCheckPath} -> ${tg?.Matcher?.HttpCode}`,
  );
  return out;
}
