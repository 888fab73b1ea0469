import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

/** Name of the table's one global secondary index (the "recent" views). */
export const STATE_INDEX_NAME = "gsi1";
/** Id of the payload bucket's expiry lifecycle rule. */
export const PAYLOAD_EXPIRY_RULE_ID = "ferry-payload-expiry";

/** Properties of {@link FerryState}. */
export interface FerryStateProps {
  /** Days before S3 expires a payload object. */
  readonly payloadRetentionDays: number;
  /** What happens to the table and bucket when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection on the table. */
  readonly deletionProtection: boolean;
  /**
   * Bucket for the payload bucket's server access logs.
   * @default - none (acknowledged, see below)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * Ferry's state store: one DynamoDB table (runs, steps, waits, leases; every transition a
 * conditional write) and the S3 bucket for payloads above the item-size threshold.
 */
export class FerryState extends Construct {
  /** The state table: `pk`/`sk`, index `gsi1` (`gsi1pk`/`gsi1sk`, keys only), TTL on `ttl`. */
  readonly table: dynamodb.Table;
  /** The payload bucket. */
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: FerryStateProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // TTL only collects garbage (it deletes days late); the core decides expiry itself.
      timeToLiveAttribute: "ttl",
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: STATE_INDEX_NAME,
      partitionKey: { name: "gsi1pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "gsi1sk", type: dynamodb.AttributeType.STRING },
      // Views read the records themselves with BatchGetItem, so run rewrites never write the index.
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    this.bucket = new s3.Bucket(this, "Payloads", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: PAYLOAD_EXPIRY_RULE_ID,
          expiration: Duration.days(props.payloadRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? "ferry-payloads/" : undefined,
      // No autoDeleteObjects: it adds a CDK-owned Lambda. With DESTROY, empty the bucket before
      // deleting the stack.
      removalPolicy: props.removalPolicy,
    });
    if (!props.serverAccessLogsBucket) {
      Validations.of(this.bucket).acknowledge({
        id: "AwsSolutions-S1",
        reason:
          "Payload objects are written and read only by Ferry's own Lambda roles, never by people or public clients; " +
          "server access logs would add a second bucket to run for no reader. Pass serverAccessLogsBucket to turn them on, " +
          "or use CloudTrail S3 data events for an audit trail.",
      });
    }
  }
}
