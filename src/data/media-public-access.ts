/**
 * How browsers and other servers read the media that Mastodon writes to the bucket.
 *
 * The choice decides the bucket's object ownership and public access block *and* Mastodon's
 * `S3_PERMISSION`, so the two can never disagree (a bucket with ACLs disabled rejects
 * Mastodon's default `public-read` ACL with `AccessControlListNotSupported`).
 */
export enum MediaPublicAccess {
  /**
   * ACLs disabled (bucket owner enforced); a bucket policy makes objects publicly readable;
   * Mastodon sends no ACL (`S3_PERMISSION` empty). The default.
   */
  BUCKET_POLICY = 'BUCKET_POLICY',
  /**
   * Mastodon's classic setup: ACLs enabled (object writer ownership) and Mastodon sends the
   * `public-read` ACL with every upload. Public ACLs must be allowed on the bucket.
   */
  OBJECT_ACL = 'OBJECT_ACL',
  /**
   * The bucket stays fully private and Mastodon sends no ACL; media is served by something
   * you put in front of it (a CDN with origin access control), named by `aliasHost`.
   */
  NONE = 'NONE',
}
