import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MastodonVersion, MastodonWebFleet, MediaPublicAccess, SidekiqSchedulerHost } from '../../src';
import { deploymentJson, newDatabase, newStack } from '../helpers';

function deployment(dbProps: any = {}, hostProps: any = {}, vpcCidr?: string) {
  const { stack, vpc: defaultVpc } = newStack();
  const vpc = vpcCidr
    ? new ec2.Vpc(stack, 'OtherVpc', { ipAddresses: ec2.IpAddresses.cidr(vpcCidr), maxAzs: 2 })
    : defaultVpc;
  const database = newDatabase(stack, vpc, dbProps);
  new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database, ...hostProps });
  new MastodonWebFleet(stack, 'Web', { vpc, database, ...hostProps });
  return { stack, web: deploymentJson(stack, 'Web'), scheduler: deploymentJson(stack, 'Scheduler') };
}

describe('the configuration hosts receive', () => {
  test('defaults: domain, database, TLS Redis with the Ruby driver, S3 without ACLs; secrets by ARN only', () => {
    const { web, scheduler } = deployment();
    for (const d of [web, scheduler]) {
      expect(d.environment).toMatchObject({
        LOCAL_DOMAIN: 'social.example.com',
        DB_NAME: 'mastodon_production',
        REDIS_DRIVER: 'ruby',
        S3_ENABLED: 'true',
        S3_PERMISSION: '',
        S3_PROTOCOL: 'https',
      });
      // case 8: TLS means rediss://
      expect(JSON.stringify(d.environment.REDIS_URL)).toMatch(/^\{"Fn::Join":\["",\["rediss:\/\/"/);
      expect(d.environment.WEB_DOMAIN).toBeUndefined();
      expect(d.environment.TRUSTED_PROXY_IP).toBeUndefined();
      expect(d.secrets.map((s: any) => s.name)).toEqual([
        'DB_USER',
        'DB_PASS',
        'SECRET_KEY_BASE',
        'VAPID_PRIVATE_KEY',
        'VAPID_PUBLIC_KEY',
        'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
        'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
        'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
      ]);
      for (const s of d.secrets) expect(Object.keys(s.secretArn)).toEqual(['Ref']);
    }
    expect(web.role).toBe('web');
    expect(scheduler.role).toBe('scheduler');
  });

  test('case 8: without in-transit encryption, redis:// and the default driver', () => {
    const { web } = deployment({ redis: { transitEncryption: false } });
    expect(JSON.stringify(web.environment.REDIS_URL)).toMatch(/"redis:\/\/"/);
    expect(web.environment.REDIS_DRIVER).toBeUndefined();
  });

  test('case 8: with an AUTH token, REDIS_URL comes from a secret, never the environment', () => {
    const { web } = deployment({ redis: { authToken: true } });
    expect(web.environment.REDIS_URL).toBeUndefined();
    expect(web.environment.REDIS_DRIVER).toBe('ruby');
    expect(web.secrets.find((s: any) => s.name === 'REDIS_URL')).toBeDefined();
  });

  test('split domains, object ACLs and a CDN alias host', () => {
    const { web } = deployment({
      domain: 'example.com',
      webDomain: 'social.example.com',
      media: { publicAccess: MediaPublicAccess.OBJECT_ACL, aliasHost: 'files.example.com' },
    });
    expect(web.environment).toMatchObject({
      LOCAL_DOMAIN: 'example.com',
      WEB_DOMAIN: 'social.example.com',
      S3_PERMISSION: 'public-read',
      S3_ALIAS_HOST: 'files.example.com',
    });
  });

  test('a VPC outside RFC 1918 is named in TRUSTED_PROXY_IP', () => {
    const { web } = deployment({}, {}, '100.64.0.0/16');
    expect(web.environment.TRUSTED_PROXY_IP).toBe('100.64.0.0/16');
  });

  test('SMTP on 587 uses STARTTLS; extra variables are added', () => {
    const { web } = deployment(
      {},
      {
        smtp: {
          server: 'email-smtp.eu-west-1.amazonaws.com',
          fromAddress: 'notifications@social.example.com',
        },
        extraEnvironment: { ES_ENABLED: 'false' },
      },
    );
    expect(web.environment).toMatchObject({
      SMTP_SERVER: 'email-smtp.eu-west-1.amazonaws.com',
      SMTP_PORT: '587',
      SMTP_ENABLE_STARTTLS: 'always',
      SMTP_AUTH_METHOD: 'none',
      SMTP_FROM_ADDRESS: 'notifications@social.example.com',
      ES_ENABLED: 'false',
    });
    expect(web.environment.SMTP_TLS).toBeUndefined();
  });

  test('4.3 hosts also read OTP_SECRET', () => {
    const { web } = deployment({
      mastodonVersion: MastodonVersion.V4_3,
      aurora: { engineVersion: undefined },
    });
    expect(web.secrets.map((s: any) => s.name)).toContain('OTP_SECRET');
  });

  test('a version change rolls the hosts: the launch templates change with it', () => {
    const userData = (version: MastodonVersion) => {
      const { stack } = deployment({ mastodonVersion: version });
      return Object.values(Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate')).map((lt) =>
        JSON.stringify(lt.Properties.LaunchTemplateData.UserData),
      );
    };
    const a = userData(MastodonVersion.of('4.5.10'));
    const b = userData(MastodonVersion.of('4.5.11'));
    expect(a).toHaveLength(2);
    expect(a[0]).not.toEqual(b[0]);
    expect(a[1]).not.toEqual(b[1]);
  });

  test('instance roles: media objects read/write, secrets read, SSM, logs; nothing administrative', () => {
    const { stack } = deployment();
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    for (const action of [
      's3:PutObject',
      's3:GetObject*',
      'secretsmanager:GetSecretValue',
      'logs:PutLogEvents',
      'autoscaling:SetInstanceHealth',
    ]) {
      expect(policies).toContain(`"${action}"`);
    }
    for (const action of [
      's3:*',
      's3:PutBucketPolicy',
      's3:DeleteBucket',
      'secretsmanager:PutSecretValue',
      'iam:PassRole',
      '"*"',
    ]) {
      expect(policies.includes(`"Action":${action.startsWith('"') ? action : `"${action}"`}`)).toBe(false);
    }
  });
});
