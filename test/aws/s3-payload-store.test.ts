import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig } from "../../adapters/aws/aws-client-config";
import { EXPIRES_AT_METADATA, payloadLifecycleRule, S3PayloadStore } from "../../adapters/aws/s3-payload-store";
import { describePayloadStoreContract } from "../../adapters/contract";
import { FerryError, ThrottledError, ValidationError } from "../../core";
import { S3RVER_CREDENTIALS, startS3, type S3Bed } from "../../aws-local/s3-bed";

let s3: S3Bed;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(() => s3.close());

// A bucket per store: every contract test starts empty.
describePayloadStoreContract("s3 (s3rver)", async () => new S3PayloadStore({ client: s3.client, bucket: await s3.createBucket() }));

describe("S3PayloadStore", () => {
  it("round-trips a 300 KB body under a prefix, and keeps expiresAt as object metadata", async () => {
    const bucket = await s3.createBucket();
    const store = new S3PayloadStore({ client: s3.client, bucket, prefix: "payloads/" });
    const body = JSON.stringify({ filler: "ż".repeat(150 * 1024) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(300 * 1024);
    const expiresAt = Date.parse("2100-01-01T00:00:00Z");
    await store.put("steps/01RUN/s/abc", body, expiresAt);
    expect(await store.get("steps/01RUN/s/abc")).toBe(body);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: "payloads/steps/01RUN/s/abc" }));
    expect(head.Metadata?.[EXPIRES_AT_METADATA]).toBe("2100-01-01T00:00:00.000Z");
  });

  it("answers undefined for a missing key, also when only the prefix differs", async () => {
    const bucket = await s3.createBucket();
    await new S3PayloadStore({ client: s3.client, bucket, prefix: "a/" }).put("k", "1");
    expect(await new S3PayloadStore({ client: s3.client, bucket, prefix: "b/" }).get("k")).toBeUndefined();
  });

  it("translates a missing bucket into a FerryError naming the key, not an SDK error", async () => {
    const store = new S3PayloadStore({ client: s3.client, bucket: "no-such-bucket" });
    for (const call of [() => store.get("steps/01RUN/x"), () => store.put("steps/01RUN/x", "{}")]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FerryError);
      expect(error).not.toBeInstanceOf(ThrottledError);
      expect((error as Error).message).toContain("steps/01RUN/x");
      expect((error as Error).message).toContain("NoSuchBucket");
      expect((error as Error).constructor).toBe(FerryError);
    }
  });

  it("reports S3's SlowDown, left after the client's retries, as a ThrottledError", async () => {
    let requests = 0;
    // A request handler standing in for S3 under load: every request gets 503 SlowDown.
    const slowDown = {
      handle: async () => {
        requests++;
        const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>r${requests}</RequestId></Error>`;
        return { response: { statusCode: 503, reason: "Slow Down", headers: { "content-type": "application/xml" }, body: Readable.from([Buffer.from(xml)]) } };
      },
    };
    const client = new S3Client({
      ...awsClientConfig({ region: "us-east-1", endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS, maxAttempts: 2 }),
      forcePathStyle: true,
      requestHandler: slowDown,
      // Adaptive mode would also slow the client's own sending rate after the throttle, which only costs the test time.
      retryMode: "standard",
    });
    const store = new S3PayloadStore({ client, bucket: "busy-bucket" });
    await expect(store.get("steps/01RUN/y")).rejects.toThrow(ThrottledError);
    await expect(store.put("steps/01RUN/y", "{}")).rejects.toThrow(/put payload steps\/01RUN\/y.*SlowDown/);
    expect(requests).toBe(4); // two attempts per call: the SDK retried before giving up
  });
});

describe("payloadLifecycleRule", () => {
  it("expires objects under the prefix by age and cleans up abandoned uploads", () => {
    expect(payloadLifecycleRule(45, "payloads/")).toEqual({
      ID: "ferry-payload-expiry",
      Status: "Enabled",
      Filter: { Prefix: "payloads/" },
      Expiration: { Days: 45 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
  });

  it("refuses an age S3 would not accept", () => {
    expect(() => payloadLifecycleRule(0)).toThrow(ValidationError);
    expect(() => payloadLifecycleRule(1.5)).toThrow(ValidationError);
  });
});
