import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { MastodonEdge, MastodonWebFleet, SidekiqSchedulerHost } from '../../src';
import { exampleZone, newDatabase, newStack } from '../helpers';

function fixture() {
  const { stack, vpc } = newStack();
  const database = newDatabase(stack, vpc);
  new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
  const webFleet = new MastodonWebFleet(stack, 'Web', { vpc, database });
  return { stack, vpc, webFleet, zone: exampleZone(stack) };
}

describe('MastodonEdge', () => {
  test('internet-facing ALB: HTTP 80 redirects to HTTPS 443, HTTPS forwards to the fleet over HTTPS, /robots.txt health check 200', () => {
    const { stack, vpc, webFleet, zone } = fixture();
    const edge = new MastodonEdge(stack, 'Edge', {
      vpc,
      webFleet,
      domainName: 'social.example.com',
      hostedZone: zone,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '120' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('EdgeCertificate') } }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 443,
      Protocol: 'HTTPS',
      HealthCheckPath: '/robots.txt',
      HealthCheckProtocol: 'HTTPS',
      Matcher: { HttpCode: '200' },
    });
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('EdgeWebTargets') }],
    });
    // Only the load balancer reaches the hosts, only on 443.
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('EdgeLoadBalancerSecurityGroup'), 'GroupId'],
      },
    });
    expect(edge.record).toBeDefined();
  });

  test('case 13: a DNS-validated certificate in the zone and an alias record; never a custom certificate resource', () => {
    const { stack, vpc, webFleet, zone } = fixture();
    new MastodonEdge(stack, 'Edge', { vpc, webFleet, domainName: 'social.example.com', hostedZone: zone });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'social.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'social.example.com', HostedZoneId: 'Z0123456789EXAMPLE' }],
    });
    t.resourceCountIs('AWS::CloudFormation::CustomResource', 0);
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'social.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789EXAMPLE',
    });
  });

  test('an existing certificate is used as is; no record without a zone', () => {
    const { stack, vpc, webFleet } = fixture();
    const certificate = acm.Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:us-east-1:111111111111:certificate/abc',
    );
    const edge = new MastodonEdge(stack, 'Edge', {
      vpc,
      webFleet,
      domainName: 'social.example.com',
      certificate,
      idleTimeout: Duration.seconds(300),
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(edge.record).toBeUndefined();
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '300' }]),
    });
  });

  test.each([
    [
      'case 6: health check path /',
      { healthCheckPath: '/' },
      "Test/Edge: healthCheckPath is '/': Mastodon answers '/' with a redirect, and Rails refuses the load balancer's IP Host header on every path but /health, so every host would look unhealthy. Use '/robots.txt' (the default, which the hosts' nginx proxies to Puma with the web domain as Host) or '/health'",
    ],
    [
      'case 13: neither a certificate nor a hosted zone',
      { hostedZone: undefined },
      "Test/Edge: certificate is undefined: the HTTPS listener for 'social.example.com' needs a certificate, and without a hosted zone the library cannot validate one. Pass an existing ACM certificate (certificate), or the public hosted zone of the domain (hostedZone) for a DNS-validated one",
    ],
    [
      'case 13: a domain outside the hosted zone',
      { domainName: 'social.example.org' },
      "Test/Edge: domainName is 'social.example.org': it is outside the hosted zone 'example.com', so the certificate cannot be validated and the alias record cannot be created there. Give the hosted zone that contains 'social.example.org', or a domain under 'example.com'",
    ],
    [
      'case 13: a look-alike domain that only ends with the zone name',
      { domainName: 'socialexample.com' },
      "Test/Edge: domainName is 'socialexample.com': it is outside the hosted zone 'example.com'",
    ],
    [
      'case 6, the whole kind: any other path Rails host authorization refuses',
      { healthCheckPath: '/about' },
      "Test/Edge: healthCheckPath is '/about': Mastodon answers '/' with a redirect",
    ],
  ])('refuses %s', (_name, props, message) => {
    const { stack, vpc, webFleet, zone } = fixture();
    expect(
      () =>
        new MastodonEdge(stack, 'Edge', {
          vpc,
          webFleet,
          domainName: 'social.example.com',
          hostedZone: zone,
          ...props,
        }),
    ).toThrow(message);
  });
});

describe('MastodonEdge props reach the template', () => {
  test('deletion protection, no DNS record, another TLS policy', () => {
    const { stack, vpc, webFleet, zone } = fixture();
    const edge = new MastodonEdge(stack, 'Edge', {
      vpc,
      webFleet,
      domainName: 'social.example.com',
      hostedZone: zone,
      deletionProtection: true,
      createDnsRecord: false,
      sslPolicy: elbv2.SslPolicy.TLS13_13,
    });
    const t = Template.fromStack(stack);
    expect(edge.record).toBeUndefined();
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    t.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
    });
  });
});

test('/health is accepted as the health check path', () => {
  const { stack, vpc, webFleet, zone } = fixture();
  new MastodonEdge(stack, 'Edge', {
    vpc,
    webFleet,
    domainName: 'social.example.com',
    hostedZone: zone,
    healthCheckPath: '/health',
  });
  Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    HealthCheckPath: '/health',
  });
});
