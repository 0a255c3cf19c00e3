import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** How Mastodon sends mail. */
export interface MastodonSmtpOptions {
  /** SMTP server host name, e.g. `email-smtp.eu-west-1.amazonaws.com`. */
  readonly server: string;

  /**
   * SMTP port. 587 uses STARTTLS; 465 uses implicit TLS (`SMTP_TLS=true`). EC2 throttles
   * outbound port 25, so it is refused.
   *
   * @default 587
   */
  readonly port?: number;

  /** Sender address, e.g. `notifications@social.example.com`. */
  readonly fromAddress: string;

  /**
   * A Secrets Manager secret with the JSON fields `username` and `password`.
   *
   * @default - no authentication
   */
  readonly credentials?: secretsmanager.ISecret;

  /**
   * `SMTP_AUTH_METHOD`.
   *
   * @default 'plain'
   */
  readonly authMethod?: string;
}
