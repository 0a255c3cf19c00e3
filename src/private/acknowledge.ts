import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges a validation finding whose ID holds an ARN, such as
 * `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/...]`.
 *
 * `Validations.of(scope).acknowledge()` refuses IDs with more than one `::` (the separator of
 * its own `prefix::rule` IDs), so this records the acknowledgement in the same construct
 * metadata that `acknowledge()` writes and validation plugins (cdk-nag v3) read. Use
 * `Validations.of(scope).acknowledge()` for every other ID.
 */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
  const previous = scope.node.metadata.filter((m) => m.type === key).pop()?.data ?? {};
  scope.node.addMetadata(key, { ...previous, [id]: reason });
}
