import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { invalidProp } from '../private/errors';
import { MastodonWebFleet } from '../web/mastodon-web-fleet';

/** Settings of the edge that a composite passes through unchanged. */
export interface MastodonEdgeOptions {
  /**
   * Path of the target group's health check. Must answer 200 without a Host header that
   * Rails accepts, so `/` (a redirect) is refused. The hosts' nginx proxies `/robots.txt` to
   * Puma, so the check fails when Puma is down.
   *
   * @default '/robots.txt'
   */
  readonly healthCheckPath?: string;

  /**
   * Idle timeout of the load balancer. Streaming WebSockets and server-sent events stay open;
   * the streaming server sends a heartbeat well within this.
   *
   * @default Duration.seconds(120)
   */
  readonly idleTimeout?: Duration;

  /**
   * Whether the load balancer has deletion protection.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * Whether to create an alias record for the web domain in `hostedZone`.
   *
   * @default true when a hosted zone is given
   */
  readonly createDnsRecord?: boolean;

  /**
   * TLS policy of the HTTPS listener.
   *
   * @default elbv2.SslPolicy.RECOMMENDED_TLS
   */
  readonly sslPolicy?: elbv2.SslPolicy;
}

/** Props of {@link MastodonEdge}. */
export interface MastodonEdgeProps extends MastodonEdgeOptions {
  /** The VPC of the deployment. */
  readonly vpc: ec2.IVpc;
  /** The web fleet the load balancer forwards to. */
  readonly webFleet: MastodonWebFleet;
  /** The domain the web interface is served on (`WEB_DOMAIN`, or `LOCAL_DOMAIN` if not split). */
  readonly domainName: string;
  /**
   * An existing certificate for `domainName`.
   *
   * @default - a certificate DNS-validated in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;
  /**
   * The public hosted zone `domainName` belongs to: validates the certificate and holds the
   * alias record.
   *
   * @default - no DNS records; `certificate` is then required
   */
  readonly hostedZone?: route53.IHostedZone;
}

/**
 * The internet-facing edge: an Application Load Balancer whose HTTP listener redirects to HTTPS
 * and whose HTTPS listener forwards to the web fleet's hosts over HTTPS, with the `/robots.txt`
 * health check, and optionally the certificate and DNS alias in a hosted zone.
 */
export class MastodonEdge extends Construct implements ec2.IConnectable {
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTPS listener. */
  public readonly listener: elbv2.ApplicationListener;
  /** The HTTP listener that redirects to HTTPS. */
  public readonly redirectListener: elbv2.ApplicationListener;
  /** The target group of the web fleet. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The certificate of the HTTPS listener. */
  public readonly certificate: acm.ICertificate;
  /** The alias record, when one was created. */
  public readonly record?: route53.ARecord;
  /** Security group rules of the load balancer. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: MastodonEdgeProps) {
    super(scope, id);
    const healthCheckPath = props.healthCheckPath ?? '/robots.txt';
    // Rails' host authorization refuses the probe's IP Host header on every path but /health, and
    // the hosts' nginx names the web domain only for /robots.txt: no other path can pass.
    if (!Token.isUnresolved(healthCheckPath) && !['/robots.txt', '/health'].includes(healthCheckPath)) {
      throw invalidProp(
        this,
        'healthCheckPath',
        healthCheckPath,
        "Mastodon answers '/' with a redirect, and Rails refuses the load balancer's IP Host header on every path but /health, so every host would look unhealthy",
        "Use '/robots.txt' (the default, which the hosts' nginx proxies to Puma with the web domain as Host) or '/health'",
      );
    }
    this.certificate = this.resolveCertificate(props);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      idleTimeout: props.idleTimeout ?? Duration.seconds(120),
      http2Enabled: true,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
    });
    this.connections = this.loadBalancer.connections;
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'A public Mastodon server: the load balancer accepts HTTP (redirected to HTTPS) and HTTPS from anywhere, and nothing else',
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        'Access logs need an S3 bucket with a region-specific ELB log delivery policy, which the library leaves to the operator (loadBalancer.logAccessLogs(bucket)); nginx on the hosts logs every request to CloudWatch',
    });

    this.redirectListener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'WebTargets', {
      vpc: props.vpc,
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      targetType: elbv2.TargetType.INSTANCE,
      targets: [props.webFleet.autoScalingGroup],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: healthCheckPath,
        protocol: elbv2.Protocol.HTTPS,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    this.listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.targetGroup],
    });

    if (props.hostedZone && (props.createDnsRecord ?? true)) {
      this.record = new route53.ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
  }

  private resolveCertificate(props: MastodonEdgeProps): acm.ICertificate {
    const zone = props.hostedZone;
    if (zone && !Token.isUnresolved(zone.zoneName) && !Token.isUnresolved(props.domainName)) {
      const zoneName = zone.zoneName.replace(/\.$/, '');
      if (props.domainName !== zoneName && !props.domainName.endsWith(`.${zoneName}`)) {
        throw invalidProp(
          this,
          'domainName',
          props.domainName,
          `it is outside the hosted zone '${zoneName}', so the certificate cannot be validated and the alias record cannot be created there`,
          `Give the hosted zone that contains '${props.domainName}', or a domain under '${zoneName}'`,
        );
      }
    }
    if (props.certificate) return props.certificate;
    if (!zone) {
      throw invalidProp(
        this,
        'certificate',
        undefined,
        `the HTTPS listener for '${props.domainName}' needs a certificate, and without a hosted zone the library cannot validate one`,
        'Pass an existing ACM certificate (certificate), or the public hosted zone of the domain (hostedZone) for a DNS-validated one',
      );
    }
    return new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
  }
}
