/**
 * The assertions every scenario runs after a real deploy. They are custom resources of the
 * integ-tests assertion stack, so they cost nothing until deployed.
 */
import { IntegTest, ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { MastodonSocial } from '../../src';

/** How long to wait for hosts to boot, migrate and pass health checks. */
const WAIT = { totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) };

/**
 * Asserts, in order: two or more healthy web targets, exactly one scheduler instance in service,
 * `/health` and `/robots.txt` answering 200 through the load balancer at `https://<webDomain>`,
 * a non-clustered Redis with the expected node count, and a media upload with Mastodon's ACL
 * setting (`S3_PERMISSION`).
 */
export function addDeploymentAssertions(integ: IntegTest, mastodon: MastodonSocial): void {
  const healthyTarget = Match.objectLike({ TargetHealth: Match.objectLike({ State: 'healthy' }) });
  const webTargets = integ.assertions
    .awsApiCall('@aws-sdk/client-elastic-load-balancing-v2', 'describeTargetHealth', {
      TargetGroupArn: mastodon.edge.targetGroup.targetGroupArn,
    })
    .expect(
      // arrayWith matches each pattern against a distinct element: at least two healthy targets.
      ExpectedResult.objectLike({
        TargetHealthDescriptions: Match.arrayWith([healthyTarget, healthyTarget]),
      }),
    )
    .waitForAssertions(WAIT);

  // A literal array inside objectLike must have exactly this many elements: one instance.
  const scheduler = integ.assertions
    .awsApiCall('AutoScaling', 'describeAutoScalingGroups', {
      AutoScalingGroupNames: [mastodon.scheduler.autoScalingGroup.autoScalingGroupName],
    })
    .expect(
      ExpectedResult.objectLike({
        AutoScalingGroups: [
          Match.objectLike({ Instances: [Match.objectLike({ LifecycleState: 'InService' })] }),
        ],
      }),
    )
    .waitForAssertions(WAIT);

  const base = `https://${mastodon.database.webDomain}`;
  const health = integ.assertions
    .httpApiCall(`${base}/health`)
    .expect(ExpectedResult.objectLike({ status: 200 }))
    .waitForAssertions(WAIT);
  const robots = integ.assertions
    .httpApiCall(`${base}/robots.txt`)
    .expect(ExpectedResult.objectLike({ status: 200 }))
    .waitForAssertions(WAIT);

  const nodes = mastodon.database.redisNodeCount;
  const redis = integ.assertions
    .awsApiCall('ElastiCache', 'describeReplicationGroups', {
      ReplicationGroupId: mastodon.database.redis.ref,
    })
    .expect(
      ExpectedResult.objectLike({
        ReplicationGroups: [
          Match.objectLike({
            ClusterEnabled: false,
            NodeGroups: [
              Match.objectLike({
                NodeGroupMembers: Array.from({ length: nodes }, () => Match.objectLike({})),
              }),
            ],
            MemberClusters: Array.from({ length: nodes }, () => Match.stringLikeRegexp('.+')),
          }),
        ],
      }),
    );

  // What Mastodon does on every upload: PutObject with S3_PERMISSION as the canned ACL, or no ACL
  // when it is empty. A bucket whose ownership setting disagrees rejects this.
  const acl = mastodon.database.s3Permission;
  const upload = integ.assertions.awsApiCall('S3', 'putObject', {
    Bucket: mastodon.database.mediaBucket.bucketName,
    Key: 'cache/integ/upload-probe.txt',
    Body: 'cdk-mastodon integration test',
    ContentType: 'text/plain',
    ...(acl !== '' ? { ACL: acl } : {}),
  });
  if (acl !== '') {
    upload.provider.addToRolePolicy({
      Effect: 'Allow',
      Action: ['s3:PutObjectAcl'],
      Resource: [mastodon.database.mediaBucket.arnForObjects('*')],
    });
  }
  upload.expect(ExpectedResult.objectLike({ ETag: Match.stringLikeRegexp('.+') }));

  webTargets.next(scheduler).next(health).next(robots).next(redis).next(upload);
}

/**
 * The integration test of one scenario with the options every scenario shares, and the
 * deployment assertions added.
 */
export function scenarioTest(app: App, id: string, stack: Stack, mastodon: MastodonSocial): IntegTest {
  const integ = new IntegTest(app, id, {
    testCases: [stack],
    // Each deploy starts from nothing: the previous snapshot holds placeholders, not a real zone.
    stackUpdateWorkflow: false,
    diffAssets: false,
    cdkCommandOptions: { destroy: { args: { force: true } } },
  });
  addDeploymentAssertions(integ, mastodon);
  return integ;
}
