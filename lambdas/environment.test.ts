import { readLambdaConfig } from "./environment";

const complete = {
  FERRY_STAGE: "prod",
  FERRY_TABLE: "t",
  FERRY_RUN_QUEUE_URL: "https://sqs/run.fifo",
  FERRY_DELAY_QUEUE_URL: "https://sqs/delay",
  FERRY_DELAY_QUEUE_ARN: "arn:aws:sqs:us-east-1:1:delay",
  FERRY_BUS_NAME: "ferry-prod",
  FERRY_BUCKET: "b",
  FERRY_SCHEDULE_GROUP: "ferry-prod",
  FERRY_SCHEDULER_ROLE_ARN: "arn:aws:iam::1:role/s",
  FERRY_SIGNING_KEY_SECRET_ARN: "arn:sk",
  FERRY_EVENT_KEY_SECRET_ARN: "arn:ek",
  AWS_REGION: "us-east-1",
};

describe("readLambdaConfig", () => {
  it("reads the stack's environment, with defaults for the sizes", () => {
    const config = readLambdaConfig(complete);
    expect(config).toMatchObject({ stage: "prod", region: "us-east-1", payloadThresholdBytes: 65536, checkpointing: true, callTimeoutMs: 290_000, resources: { table: "t", busName: "ferry-prod" } });
    expect(config.resources.routeQueueUrl).toBeUndefined();
    expect(readLambdaConfig({ ...complete, FERRY_ROUTE_QUEUE_URL: "https://sqs/route" }).resources.routeQueueUrl).toBe("https://sqs/route");
  });

  it("names every missing variable at once", () => {
    const { FERRY_TABLE: _table, FERRY_BUCKET: _bucket, ...partial } = complete;
    expect(() => readLambdaConfig(partial)).toThrow("Ferry Lambda misconfigured: missing environment variables FERRY_TABLE, FERRY_BUCKET");
  });

  it("reads the checkpointing switch, refusing anything but true or false", () => {
    expect(readLambdaConfig({ ...complete, FERRY_CHECKPOINTING: "false" }).checkpointing).toBe(false);
    expect(readLambdaConfig({ ...complete, FERRY_CHECKPOINTING: "true" }).checkpointing).toBe(true);
    expect(() => readLambdaConfig({ ...complete, FERRY_CHECKPOINTING: "off" })).toThrow('FERRY_CHECKPOINTING must be true or false (got "off")');
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => readLambdaConfig({ ...complete, FERRY_CALL_TIMEOUT_MS: "soon" })).toThrow('FERRY_CALL_TIMEOUT_MS must be a positive integer (got "soon")');
    expect(() => readLambdaConfig({ ...complete, FERRY_PAYLOAD_THRESHOLD_BYTES: "-1" })).toThrow("FERRY_PAYLOAD_THRESHOLD_BYTES must be a positive integer");
  });
});
