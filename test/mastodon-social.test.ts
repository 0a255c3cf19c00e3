import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildExampleApp } from '../example/app';
import { HostPlacement, MastodonSocial } from '../src';
import { exampleZone } from './helpers';

/** Masks what changes without the construct changing: asset hashes and the AMI parameter name hash. */
function stableTemplate(stack: Stack): unknown {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(json.replace(/[0-9a-f]{64}(\.zip)?/g, '<asset-hash>'));
}

describe('MastodonSocial', () => {
  const { stack } = buildExampleApp();
  const t = Template.fromStack(stack);

  test('synthesizes the whole architecture of the seed', () => {
    t.resourceCountIs('AWS::RDS::DBCluster', 1);
    t.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 3,
      ClusterMode: 'disabled',
    });
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', MaxSize: '1' });
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '4' });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/robots.txt' });
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a new VPC over 2 AZs with public, private (hosts) and isolated (data) subnets, and rejected-traffic flow logs', () => {
    t.resourceCountIs('AWS::EC2::Subnet', 6);
    t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
    t.hasResourceProperties('AWS::EC2::Subnet', {
      MapPublicIpOnLaunch: false,
      Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Isolated' }]),
    });
  });

  test('the web fleet rolls only after the scheduler host (pre-deployment migrations) succeeded', () => {
    const groups = t.findResources('AWS::AutoScaling::AutoScalingGroup');
    const [webId, web] = Object.entries(groups).find(([id]) => id.includes('WebFleet'))!;
    const schedulerId = Object.keys(groups).find((id) => id.includes('Scheduler'))!;
    expect(web.DependsOn).toContain(schedulerId);
    expect(webId).toMatch(/^MastodonWebFleetHostsGroupASG/);
  });

  test('case 15: the logical IDs of every stateful resource are pinned', () => {
    const ids = (type: string) => Object.keys(t.findResources(type)).sort();
    expect(ids('AWS::RDS::DBCluster')).toEqual(['MastodonDatabaseClusterAD8F0CDC']);
    expect(ids('AWS::RDS::DBInstance')).toEqual(['MastodonDatabaseClusterWriter03C3E5AB']);
    expect(ids('AWS::ElastiCache::ReplicationGroup')).toEqual(['MastodonDatabaseRedis109C811F']);
    expect(ids('AWS::S3::Bucket')).toEqual(['MastodonDatabaseMediaBucketAFDC4564']);
    expect(ids('AWS::SecretsManager::Secret')).toEqual([
      'MastodonDatabaseApplicationSecretsActiveRecordEncryption0D6C3EF6D',
      'MastodonDatabaseApplicationSecretsActiveRecordEncryption15CFAAABD',
      'MastodonDatabaseApplicationSecretsActiveRecordEncryption281515C21',
      'MastodonDatabaseApplicationSecretsSecretKeyBase2B565F46',
      'MastodonDatabaseApplicationSecretsVapidKeysE3FC26C9',
      'MastodonDatabaseCredentials50F9A2A6',
    ]);
    expect(ids('Custom::MastodonVapidKeys')).toEqual([
      'MastodonDatabaseApplicationSecretsVapidKeysGenerator0D28934C',
    ]);
  });

  test('case 15: create-only and replacement-prone properties are emitted explicitly', () => {
    const rg = Object.values(t.findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    for (const key of [
      'Engine',
      'Port',
      'AtRestEncryptionEnabled',
      'TransitEncryptionEnabled',
      'CacheSubnetGroupName',
      'NetworkType',
      'ClusterMode',
      'DataTieringEnabled',
      'IpDiscovery',
    ]) {
      expect([key, rg[key]]).not.toEqual([key, undefined]);
    }
    const cluster = Object.values(t.findResources('AWS::RDS::DBCluster'))[0].Properties;
    for (const key of ['Engine', 'StorageEncrypted', 'DatabaseName', 'DBSubnetGroupName', 'EngineVersion']) {
      expect([key, cluster[key]]).not.toEqual([key, undefined]);
    }
  });

  test('no secret value appears in the template: only generated secrets and dynamic references', () => {
    const json = JSON.stringify(t.toJSON());
    expect(json).not.toMatch(/"SecretString":"[^{]/);
    expect(json).not.toMatch(/SECRET_KEY_BASE=|VAPID_PRIVATE_KEY=/);
  });

  test('whole template stays stable (asset hashes masked)', () => {
    expect(stableTemplate(stack)).toMatchSnapshot();
  });

  test('public placement: no NAT gateway, no private subnets, hosts with public IPs in public subnets', () => {
    const app = new App();
    const s = new Stack(app, 'Public');
    new MastodonSocial(s, 'Mastodon', {
      domain: 'social.example.com',
      hostedZone: exampleZone(s),
      placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP,
    });
    const pt = Template.fromStack(s);
    pt.resourceCountIs('AWS::EC2::NatGateway', 0);
    pt.resourceCountIs('AWS::EC2::Subnet', 4);
    expect(
      Object.values(pt.findResources('AWS::EC2::LaunchTemplate')).every(
        (lt) => lt.Properties.LaunchTemplateData.NetworkInterfaces?.[0].AssociatePublicIpAddress === true,
      ),
    ).toBe(true);
  });

  test('bring your own VPC and certificate; a bastion reached through SSM with no SSH port open', () => {
    const app = new App();
    const s = new Stack(app, 'Byo');
    const vpc = new ec2.Vpc(s, 'MyVpc', { maxAzs: 3 });
    const certificate = acm.Certificate.fromCertificateArn(
      s,
      'Cert',
      'arn:aws:acm:us-east-1:111111111111:certificate/abc',
    );
    const m = new MastodonSocial(s, 'Mastodon', {
      domain: 'social.example.com',
      vpc,
      certificate,
      bastion: true,
    });
    expect(m.vpc).toBe(vpc);
    const bt = Template.fromStack(s);
    bt.resourceCountIs('AWS::EC2::VPC', 1);
    bt.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    bt.resourceCountIs('AWS::EC2::Instance', 1);
    expect(JSON.stringify(bt.toJSON())).not.toMatch(/"FromPort":22/);
  });

  test('two deployments in one app each synthesize with their own scheduler', () => {
    const app = new App();
    for (const name of ['A', 'B']) {
      const s = new Stack(app, name);
      new MastodonSocial(s, 'Mastodon', {
        domain: `${name.toLowerCase()}.example.com`,
        hostedZone: exampleZone(s),
      });
    }
    expect(() => app.synth()).not.toThrow();
  });

  test.each([
    [
      'a VPC without private subnets for the default placement',
      (s: Stack) => ({
        vpc: new ec2.Vpc(s, 'Flat', {
          subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }],
        }),
      }),
      "Test/Mastodon: vpc is 'Test/Flat': it has no private subnets with egress, which HostPlacement.PRIVATE_SUBNETS_WITH_NAT (the default) puts the hosts in. Add private subnets with a NAT gateway to the VPC, or set placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP",
    ],
    [
      'data subnets without a VPC of your own',
      () => ({ database: { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } }),
      "Test/Mastodon: database.vpcSubnets is 'set': subnets can only be chosen in a VPC you bring. Pass vpc as well, or leave database.vpcSubnets unset",
    ],
    [
      'case 13: no certificate and no hosted zone',
      () => ({ hostedZone: undefined }),
      "Test/Mastodon/Edge: certificate is undefined: the HTTPS listener for 'social.example.com' needs a certificate",
    ],
    [
      'case 5: a web fleet of one',
      () => ({ webFleet: { minCapacity: 1 } }),
      'Test/Mastodon/WebFleet: minCapacity is 1: with fewer than 2 hosts',
    ],
  ])('refuses %s', (_name, extra, message) => {
    const app = new App();
    const s = new Stack(app, 'Test');
    expect(
      () =>
        new MastodonSocial(s, 'Mastodon', {
          domain: 'social.example.com',
          hostedZone: exampleZone(s),
          ...extra(s),
        }),
    ).toThrow(message);
  });
});

test('public placement: the bastion gets its own public address (no NAT to reach Session Manager)', () => {
  const app = new App();
  const s = new Stack(app, 'Seed');
  new MastodonSocial(s, 'Mastodon', {
    domain: 'social.example.com',
    hostedZone: exampleZone(s),
    placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP,
    bastion: true,
  });
  const instance = Object.values(Template.fromStack(s).findResources('AWS::EC2::Instance'))[0].Properties;
  expect(instance.NetworkInterfaces[0]).toMatchObject({ DeviceIndex: '0', AssociatePublicIpAddress: true });
  expect(instance.SubnetId).toBeUndefined();
  expect(instance.SecurityGroupIds).toBeUndefined();
});
