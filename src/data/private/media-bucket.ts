import { Annotations, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { invalidProp } from '../../private/errors';
import { MastodonMediaOptions } from '../mastodon-database-options';
import { MediaPublicAccess } from '../media-public-access';

export interface MediaBucketProps extends MastodonMediaOptions {
  /** Origins that may read media from browsers, e.g. `https://social.example.com`. */
  readonly corsOrigins: string[];
  readonly removalPolicy?: RemovalPolicy;
}

/** The S3 media bucket, with public access and Mastodon's `S3_PERMISSION` decided together. */
export class MediaBucket extends Construct {
  public readonly bucket: s3.Bucket;
  /** The value hosts give Mastodon's `S3_PERMISSION`. */
  public readonly s3Permission: string;
  public readonly publicAccess: MediaPublicAccess;

  constructor(scope: Construct, id: string, props: MediaBucketProps) {
    super(scope, id);
    this.publicAccess = props.publicAccess ?? MediaPublicAccess.BUCKET_POLICY;
    const aclsDisabled = this.publicAccess !== MediaPublicAccess.OBJECT_ACL;
    this.s3Permission = props.s3Permission ?? (aclsDisabled ? '' : 'public-read');
    if (aclsDisabled && !['', 'private'].includes(this.s3Permission)) {
      throw invalidProp(
        this,
        'media.s3Permission',
        this.s3Permission,
        `publicAccess ${this.publicAccess} disables ACLs on the bucket (object ownership enforced), and S3 rejects every upload that carries an ACL with AccessControlListNotSupported`,
        "Leave s3Permission unset (Mastodon then sends no ACL), or choose publicAccess: MediaPublicAccess.OBJECT_ACL to keep Mastodon's public-read ACLs",
      );
    }
    if (!aclsDisabled && this.s3Permission !== 'public-read') {
      throw invalidProp(
        this,
        'media.s3Permission',
        this.s3Permission,
        'publicAccess OBJECT_ACL serves media through public-read object ACLs, so objects uploaded without that ACL would not be readable by anyone',
        "Leave s3Permission unset ('public-read'), or choose publicAccess: MediaPublicAccess.BUCKET_POLICY",
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const destroy = removalPolicy === RemovalPolicy.DESTROY;
    if (props.autoDeleteObjects && !destroy) {
      throw invalidProp(
        this,
        'media.autoDeleteObjects',
        true,
        `the bucket's removal policy is ${removalPolicy}, and emptying a bucket that is kept would delete every uploaded file`,
        'Set removalPolicy: RemovalPolicy.DESTROY as well, or drop autoDeleteObjects',
      );
    }
    if (destroy && !props.autoDeleteObjects) {
      Annotations.of(this).addWarningV2(
        'cdk-mastodon:media-bucket-not-emptied',
        'The media bucket has removal policy DESTROY without media.autoDeleteObjects: CloudFormation cannot delete a bucket that still holds media, so the stack deletion will fail. Set media.autoDeleteObjects: true, or keep the default RETAIN.',
      );
    }

    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: props.versioned ?? false,
      objectOwnership: aclsDisabled
        ? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED
        : s3.ObjectOwnership.OBJECT_WRITER,
      blockPublicAccess:
        this.publicAccess === MediaPublicAccess.NONE
          ? s3.BlockPublicAccess.BLOCK_ALL
          : this.publicAccess === MediaPublicAccess.BUCKET_POLICY
            ? s3.BlockPublicAccess.BLOCK_ACLS_ONLY
            : new s3.BlockPublicAccess({
                blockPublicAcls: false,
                ignorePublicAcls: false,
                blockPublicPolicy: false,
                restrictPublicBuckets: false,
              }),
      cors: [
        {
          allowedOrigins: [...props.corsOrigins, ...(props.additionalCorsOrigins ?? [])],
          allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      removalPolicy,
      autoDeleteObjects: destroy && (props.autoDeleteObjects ?? false),
    });

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Media is public content that every visitor and federated server fetches; per-request access logs would be a second bucket of mostly public GETs. Enable CloudTrail data events or access logging in your account if you need them',
    });
    if (this.publicAccess !== MediaPublicAccess.NONE) {
      Validations.of(this.bucket).acknowledge({
        id: 'AwsSolutions-S2',
        reason: `Mastodon media (posts, avatars, attachments) must be readable by anyone; publicAccess ${this.publicAccess} allows exactly that (object reads, never listing) and blocks the rest. MediaPublicAccess.NONE blocks all public access`,
      });
    }

    if (this.publicAccess !== MediaPublicAccess.NONE) {
      // Media is public by nature (posts, avatars, remote servers fetching attachments): read
      // of objects only, never listing. Kept with OBJECT_ACL too, so that media uploaded before
      // a switch from BUCKET_POLICY (which carries no public ACL) stays readable.
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'PublicReadOfMastodonMedia',
          actions: ['s3:GetObject'],
          principals: [new iam.AnyPrincipal()],
          resources: [this.bucket.arnForObjects('*')],
        }),
      );
    }
    // User archives (all posts, direct messages included) and imports are private in Mastodon and
    // handed out only through expiring pre-signed URLs, which carry this account's credentials.
    // Anonymous reads of them are denied whatever the public access mode.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyAnonymousReadOfPrivateExports',
        effect: iam.Effect.DENY,
        actions: ['s3:GetObject'],
        principals: [new iam.AnyPrincipal()],
        resources: [this.bucket.arnForObjects('backups/*'), this.bucket.arnForObjects('imports/*')],
        conditions: { StringNotEquals: { 'aws:PrincipalAccount': Stack.of(this).account } },
      }),
    );
    if (
      props.aliasHost !== undefined &&
      !Token.isUnresolved(props.aliasHost) &&
      !/^[a-z0-9.-]+(:\d+)?$/.test(props.aliasHost)
    ) {
      throw invalidProp(
        this,
        'media.aliasHost',
        props.aliasHost,
        'Mastodon builds media URLs as https://<S3_ALIAS_HOST>/<key>, so a scheme, path or trailing slash breaks every media URL',
        "Give the bare host name, e.g. 'files.example.com'",
      );
    }
    if (this.publicAccess === MediaPublicAccess.NONE && props.aliasHost === undefined) {
      Annotations.of(this).addWarningV2(
        'cdk-mastodon:media-not-served',
        'media.publicAccess is NONE and no media.aliasHost is set: nobody can read the media the server stores. Put a CDN with origin access control in front of the bucket and set media.aliasHost to its host name.',
      );
    }
  }
}
