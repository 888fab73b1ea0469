import { clearCaches } from "@aws-lambda-powertools/parameters";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { SecretsManagerEmulator } from "./secrets-manager-emulator";

/** Drives the emulator through the real SDK client, and through Powertools Parameters. */

const ARN = /^arn:aws:secretsmanager:us-east-1:123456789012:secret:(.+)-[A-Za-z0-9]{6}$/;

describe("the SDK client", () => {
  let emulator: SecretsManagerEmulator;
  let client: SecretsManagerClient;

  beforeEach(async () => {
    emulator = await SecretsManagerEmulator.start();
    client = new SecretsManagerClient({ region: "us-east-1", endpoint: emulator.endpoint, credentials: { accessKeyId: "x", secretAccessKey: "y" }, maxAttempts: 1 });
  });

  afterEach(async () => {
    client.destroy();
    await emulator.close();
  });

  it("creates a secret and reads it by name and by ARN", async () => {
    const created = await client.send(new CreateSecretCommand({ Name: "ferry/signing-key", SecretString: '{"key":"ab12"}' }));
    expect(created.ARN).toMatch(ARN);
    expect(ARN.exec(created.ARN!)?.[1]).toBe("ferry/signing-key");
    expect(created.Name).toBe("ferry/signing-key");
    expect(created.VersionId).toEqual(expect.any(String));

    const byName = await client.send(new GetSecretValueCommand({ SecretId: "ferry/signing-key" }));
    expect(byName).toMatchObject({ ARN: created.ARN, Name: "ferry/signing-key", SecretString: '{"key":"ab12"}', VersionId: created.VersionId, VersionStages: ["AWSCURRENT"] });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    expect(Math.abs(byName.CreatedDate!.getTime() - Date.now())).toBeLessThan(60_000);

    const byArn = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(byArn.SecretString).toBe('{"key":"ab12"}');
    // A partial ARN (without the random suffix) resolves too, as in AWS.
    const partial = await client.send(new GetSecretValueCommand({ SecretId: created.ARN!.slice(0, -7) }));
    expect(partial.Name).toBe("ferry/signing-key");

    expect(emulator.calls.map((call) => [call.operation, call.secretId])).toEqual([
      ["CreateSecret", "ferry/signing-key"],
      ["GetSecretValue", "ferry/signing-key"],
      ["GetSecretValue", created.ARN],
      ["GetSecretValue", created.ARN!.slice(0, -7)],
    ]);
    expect(emulator.getSecretValueCount(created.ARN)).toBe(3);
  });

  it("puts a new version that becomes AWSCURRENT, the old one AWSPREVIOUS", async () => {
    const arn = emulator.createSecret("rotating", "v1");
    const first = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const put = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: "v2" }));
    expect(put).toMatchObject({ ARN: arn, Name: "rotating", VersionStages: ["AWSCURRENT"] });
    expect(put.VersionId).not.toBe(first.VersionId);

    const current = await client.send(new GetSecretValueCommand({ SecretId: "rotating" }));
    expect(current).toMatchObject({ SecretString: "v2", VersionId: put.VersionId, VersionStages: ["AWSCURRENT"] });
    const previous = await client.send(new GetSecretValueCommand({ SecretId: "rotating", VersionStage: "AWSPREVIOUS" }));
    expect(previous).toMatchObject({ SecretString: "v1", VersionId: first.VersionId, VersionStages: ["AWSPREVIOUS"] });
    const byVersion = await client.send(new GetSecretValueCommand({ SecretId: "rotating", VersionId: first.VersionId }));
    expect(byVersion.SecretString).toBe("v1");

    // The direct helper rotates as well.
    emulator.putSecretValue(arn, "v3");
    expect((await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe("v3");
    expect((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSPREVIOUS" }))).SecretString).toBe("v2");
  });

  it("answers a retried PutSecretValue (same token) with the same version, and refuses another value under it", async () => {
    const arn = emulator.createSecret("retried", "v1");
    const token = "11111111-2222-4333-8444-555555555555";
    const first = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: "v2", ClientRequestToken: token }));
    const again = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: "v2", ClientRequestToken: token }));
    expect(first.VersionId).toBe(token);
    expect(again.VersionId).toBe(token);
    await expect(client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: "other", ClientRequestToken: token }))).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it("throws ResourceNotFoundException for an unknown secret, by name or ARN", async () => {
    const error = await client.send(new GetSecretValueCommand({ SecretId: "nope" })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).message).toBe("Secrets Manager can't find the specified secret.");
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
    await expect(client.send(new GetSecretValueCommand({ SecretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new PutSecretValueCommand({ SecretId: "nope", SecretString: "x" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(emulator.calls.at(-1)).toMatchObject({ operation: "PutSecretValue", secretId: "nope", status: 400, error: "ResourceNotFoundException" });
  });

  it("refuses a taken name, a bad name and an oversized value", async () => {
    emulator.createSecret("taken", "x");
    await expect(client.send(new CreateSecretCommand({ Name: "taken", SecretString: "y" }))).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(client.send(new CreateSecretCommand({ Name: "bad name", SecretString: "y" }))).rejects.toMatchObject({ name: "ValidationException" });
    await expect(client.send(new CreateSecretCommand({ Name: "big", SecretString: "x".repeat(65_537) }))).rejects.toMatchObject({ name: "ValidationException" });
    await client.send(new CreateSecretCommand({ Name: "just-fits", SecretString: "x".repeat(65_536) }));
    expect(() => emulator.createSecret("taken", "z")).toThrow(/already exists/);
  });

  it("answers operations it does not emulate with UnknownOperationException", async () => {
    emulator.createSecret("described", "x");
    const error = await client.send(new DescribeSecretCommand({ SecretId: "described" })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretsManagerServiceException);
    expect(error).toMatchObject({ name: "UnknownOperationException" });
  });
});

/**
 * getSecret's default provider builds its SecretsManagerClient on the first call and the client
 * resolves its endpoint once, as in a Lambda cold start: one emulator serves the whole block, and
 * the environment is set before the first call.
 */
describe("Powertools Parameters getSecret", () => {
  const ENV_KEYS = ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] as const;
  let saved: Record<string, string | undefined>;
  let emulator: SecretsManagerEmulator;

  beforeAll(async () => {
    emulator = await SecretsManagerEmulator.start();
    saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
    for (const key of ENV_KEYS) delete process.env[key];
    Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y" });
  });

  afterEach(() => clearCaches());

  afterAll(async () => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await emulator.close();
  });

  it("reads a JSON secret through the emulator, then serves it from its cache within maxAge", async () => {
    const arn = emulator.createSecret("ferry/event-key", JSON.stringify({ key: "evt-1", fallbackKey: "evt-0" }));
    await expect(getSecret(arn, { transform: "json" })).resolves.toEqual({ key: "evt-1", fallbackKey: "evt-0" });
    await expect(getSecret(arn, { transform: "json", maxAge: 300 })).resolves.toEqual({ key: "evt-1", fallbackKey: "evt-0" });
    expect(emulator.calls.filter((call) => call.secretId === arn)).toEqual([{ operation: "GetSecretValue", secretId: arn, status: 200 }]);
    expect(emulator.getSecretValueCount(arn)).toBe(1);

    // A rotation shows once the cache is bypassed.
    emulator.putSecretValue(arn, JSON.stringify({ key: "evt-2", fallbackKey: "evt-1" }));
    await expect(getSecret(arn, { transform: "json", forceFetch: true })).resolves.toEqual({ key: "evt-2", fallbackKey: "evt-1" });
    expect(emulator.getSecretValueCount("ferry/event-key")).toBe(2);
  });

  it("surfaces the emulator's ResourceNotFoundException", async () => {
    await expect(getSecret("arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf")).rejects.toThrow(/can't find the specified secret/);
  });
});
