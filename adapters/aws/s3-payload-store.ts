import { GetObjectCommand, PutObjectCommand, type LifecycleRule, type S3Client } from "@aws-sdk/client-s3";
import { ValidationError, type PayloadStore } from "../../core";
import { awsCall, awsErrorName } from "./aws-errors";

/** Where an `S3PayloadStore` keeps its objects. */
export interface S3PayloadStoreOptions {
  client: S3Client;
  bucket: string;
  /** Prepended to every key (e.g. `payloads/`), so the bucket can hold other things and a lifecycle rule can target just these. @default "" */
  prefix?: string;
}

/** Object metadata naming the time the owning run's retention ends (`x-amz-meta-ferry-expires-at`): for operators, S3 does not act on it. */
export const EXPIRES_AT_METADATA = "ferry-expires-at";

/**
 * Payloads too large for a DynamoDB item (step outputs, batches), one S3 object per key.
 *
 * The core names every payload by its content (`payloadKey`), so `put` is a plain PutObject:
 * writing a key again writes the same bytes, which is the no-op the port asks for, and needs no
 * conditional request. A key never written answers `undefined`. The reading role needs
 * `s3:ListBucket` on the bucket as well as `s3:GetObject`: without it S3 answers a missing key
 * with 403 AccessDenied instead of 404 NoSuchKey, and a missing payload would look like an outage.
 *
 * Expiry: S3 cannot delete an object at a time of our choosing; a lifecycle rule deletes objects
 * by age (see `payloadLifecycleRule`). `expiresAt` is kept as object metadata so an operator can
 * see why an object exists, and the rule's age must exceed the longest run retention.
 */
export class S3PayloadStore implements PayloadStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3PayloadStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "";
  }

  async put(key: string, body: string, expiresAt?: number): Promise<void> {
    const Metadata = expiresAt === undefined ? undefined : { [EXPIRES_AT_METADATA]: new Date(expiresAt).toISOString() };
    await awsCall(`put payload ${key} (s3://${this.bucket}/${this.objectKey(key)})`, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: body, ContentType: "application/json; charset=utf-8", Metadata })),
    );
  }

  async get(key: string): Promise<string | undefined> {
    return awsCall(`get payload ${key} (s3://${this.bucket}/${this.objectKey(key)})`, async () => {
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
        // The body is a stream; read it inside awsCall so a broken connection is translated too.
        return out.Body === undefined ? "" : await out.Body.transformToString("utf-8");
      } catch (error) {
        if (awsErrorName(error) === "NoSuchKey") return undefined;
        throw error;
      }
    });
  }

  private objectKey(key: string): string {
    return `${this.prefix}${key}`;
  }
}

/**
 * The bucket lifecycle rule that expires payloads: S3 deletes each object `days` after it was
 * written (counted to the next midnight UTC, and S3 may take a day or two more). Payloads belong
 * to runs, so `days` must be longer than a run can live plus its retention: a payload deleted
 * under a live run fails that run's next read. The core still decides expiry of the records that
 * refer to payloads; this rule only reclaims the storage afterwards.
 *
 * The shape is S3's `PutBucketLifecycleConfiguration` rule; in CDK it reads
 * `{ id, prefix, expiration: Duration.days(days), abortIncompleteMultipartUploadAfter: Duration.days(1) }`.
 *
 * @example
 * await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [payloadLifecycleRule(45, "payloads/")] } }));
 */
export function payloadLifecycleRule(days: number, prefix = ""): LifecycleRule {
  if (!Number.isInteger(days) || days < 1) throw new ValidationError(`payload expiry must be a whole number of days, at least 1 (got ${days})`, "days");
  return {
    ID: "ferry-payload-expiry",
    Status: "Enabled",
    Filter: { Prefix: prefix },
    Expiration: { Days: days },
    // Payloads are written in one PutObject, but a failed multipart upload would otherwise be kept (and billed) forever.
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  };
}
