import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AwsJsonError, awsJsonErrorOf, parseAwsJsonBody, readAwsJsonRequest, writeAwsJsonAnswer } from "./aws-json-protocol";

/** How an emulator behaves where the tests may want it to differ. */
export interface SecretsManagerEmulatorOptions {
  /** @default "us-east-1" */
  region?: string;
  /** @default "123456789012" */
  account?: string;
}

/** One API call the emulator answered. */
export interface SecretsManagerCall {
  operation: string;
  /** `SecretId` as sent (a name or an ARN); for CreateSecret, `Name`. */
  secretId?: string;
  status: number;
  error?: string;
}

/** One version of a secret: exactly one of the two values is set. */
interface SecretVersion {
  id: string;
  secretString?: string;
  /** SecretBinary as it travels in JSON: base64. */
  secretBinary?: string;
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  createdDate: number;
  stages: string[];
}

interface StoredSecret {
  name: string;
  arn: string;
  createdDate: number;
  versions: SecretVersion[];
}

const TARGET_PREFIX = "secretsmanager.";
/** Secret names: 1-512 of letters, digits and `/_+=.@-` (CreateSecret's documented constraint). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** SecretString and SecretBinary: at most 65,536 bytes. */
const MAX_SECRET_BYTES = 65_536;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const NOT_FOUND = "Secrets Manager can't find the specified secret.";

/**
 * A Secrets Manager EMULATOR for the offline AWS test bed — not AWS, and only the slice Ferry's
 * Lambdas use. AWS offers no local Secrets Manager, so this small HTTP server on 127.0.0.1
 * speaks Secrets Manager's JSON API (awsJson1_1: `POST /`, `X-Amz-Target:
 * secretsmanager.<Operation>`, `application/x-amz-json-1.1`) to the real
 * `@aws-sdk/client-secrets-manager`, and so to Powertools Parameters' `getSecret`, which builds
 * its own client: point it here with `AWS_ENDPOINT_URL_SECRETS_MANAGER=<endpoint>` (plus
 * AWS_REGION and dummy credentials). That client is built on the first `getSecret` call and
 * resolves its endpoint once, as in a cold start, so set the variable before the first call and
 * keep one emulator for the test module (a later emulator on another port is never asked).
 *
 * Emulated: CreateSecret (Name, SecretString or SecretBinary, ClientRequestToken as the version
 * id; ARN `arn:aws:secretsmanager:<region>:<account>:secret:<Name>-<6 random alphanumerics>`;
 * ResourceExistsException for a taken name), GetSecretValue (SecretId as name, full ARN or
 * partial ARN without the random suffix; VersionStage AWSCURRENT or AWSPREVIOUS, or VersionId;
 * ResourceNotFoundException "Secrets Manager can't find the specified secret."), PutSecretValue
 * (a new version becomes AWSCURRENT and the old current one AWSPREVIOUS; a retry with the same
 * ClientRequestToken and value is a no-op, with another value ResourceExistsException). Name
 * and size rules: names 1-512 of `[A-Za-z0-9/_+=.@-]`, values at most 65,536 bytes.
 * Any other operation answers UnknownOperationException.
 *
 * `calls` records every request (operation and SecretId), so a test can count GetSecretValue
 * calls: Ferry promises to read each secret once per cold start.
 *
 * Left out: every other operation (DescribeSecret, ListSecrets, UpdateSecret, DeleteSecret,
 * rotation with Lambdas, replication, resource policies, tags), custom staging labels, KMS, the
 * deleted-secret recovery window, quotas and throttling, eventual consistency, and signature
 * checks (any credentials will do).
 *
 * @example
 * const secrets = await SecretsManagerEmulator.start();
 * const arn = secrets.createSecret("ferry/signing-key", JSON.stringify({ key: "ab12" }));
 * const client = new SecretsManagerClient({ region: "us-east-1", endpoint: secrets.endpoint, credentials: { accessKeyId: "x", secretAccessKey: "y" } });
 */
export class SecretsManagerEmulator {
  /** Every call answered, in order, failed ones included. */
  readonly calls: SecretsManagerCall[] = [];
  readonly endpoint: string;
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly arnPrefix: string;

  private constructor(
    private readonly server: Server,
    options: SecretsManagerEmulatorOptions,
  ) {
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.arnPrefix = `arn:aws:secretsmanager:${options.region ?? "us-east-1"}:${options.account ?? "123456789012"}:secret:`;
  }

  /** Starts an emulator with no secrets on a free port of 127.0.0.1. */
  static async start(options: SecretsManagerEmulatorOptions = {}): Promise<SecretsManagerEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    const emulator = new SecretsManagerEmulator(server, options);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      emulator.handle(req, res).catch(() => res.destroy()); // a request cut off while being read
    });
    return emulator;
  }

  /** Creates a secret with a string value, without HTTP and without a recorded call; returns its ARN. */
  createSecret(name: string, value: string): string {
    return this.create({ Name: name, SecretString: value }).ARN;
  }

  /** Stores a new current version of a secret (name or ARN), without HTTP; returns its version id. */
  putSecretValue(secretId: string, value: string): string {
    return this.putValue({ SecretId: secretId, SecretString: value }).VersionId;
  }

  /** How many GetSecretValue calls named this secret (by name or ARN), failed ones included. */
  getSecretValueCount(nameOrArn?: string): number {
    const secret = nameOrArn === undefined ? undefined : this.find(nameOrArn);
    return this.calls.filter((call) => {
      if (call.operation !== "GetSecretValue") return false;
      if (nameOrArn === undefined) return true;
      return call.secretId === nameOrArn || (secret !== undefined && call.secretId !== undefined && this.find(call.secretId) === secret);
    }).length;
  }

  /** Stops the server, dropping the clients' kept-alive connections. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { operation, text } = await readAwsJsonRequest(req, TARGET_PREFIX);
    const call: SecretsManagerCall = { operation, status: 200 };
    this.calls.push(call);
    let body: unknown;
    try {
      if (req.method !== "POST") throw new AwsJsonError("UnknownOperationException", `Secrets Manager's JSON API takes POST, not ${req.method ?? "(no method)"}`);
      const input = parseAwsJsonBody(text);
      const id = operation === "CreateSecret" ? input.Name : input.SecretId;
      if (typeof id === "string") call.secretId = id;
      body = this.dispatch(operation, input);
    } catch (error) {
      const apiError = awsJsonErrorOf(error, "InternalServiceError");
      call.status = apiError.status;
      call.error = apiError.type;
      body = { __type: apiError.type, message: apiError.message };
    }
    writeAwsJsonAnswer(res, call.status, body, call.error);
  }

  private dispatch(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case "CreateSecret":
        return this.create(input);
      case "GetSecretValue":
        return this.getValue(input);
      case "PutSecretValue":
        return this.putValue(input);
      default:
        throw new AwsJsonError("UnknownOperationException", `The emulator does not implement ${operation || "(no X-Amz-Target)"}`);
    }
  }

  private create(input: Record<string, unknown>): { ARN: string; Name: string; VersionId?: string } {
    const name = input.Name;
    if (typeof name !== "string" || !SECRET_NAME.test(name)) {
      throw new AwsJsonError("ValidationException", `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must have length between 1 and 512 and match [A-Za-z0-9/_+=.@-]+`);
    }
    const value = secretValue(input, false);
    const token = clientToken(input.ClientRequestToken);
    const existing = this.secrets.get(name);
    if (existing) {
      // A retried CreateSecret (same token, same value) is answered as the first one was.
      const first = existing.versions[0];
      if (value && token !== undefined && first?.id === token && sameValue(first, value)) return { ARN: existing.arn, Name: name, VersionId: first.id };
      throw new AwsJsonError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
    }
    const now = epochSeconds();
    const secret: StoredSecret = { name, arn: `${this.arnPrefix}${name}-${suffix()}`, createdDate: now, versions: [] };
    this.secrets.set(name, secret);
    if (!value) return { ARN: secret.arn, Name: name };
    const version: SecretVersion = { id: token ?? randomUUID(), ...value, createdDate: now, stages: ["AWSCURRENT"] };
    secret.versions.push(version);
    return { ARN: secret.arn, Name: name, VersionId: version.id };
  }

  private getValue(input: Record<string, unknown>): unknown {
    const secret = this.require(input.SecretId);
    const versionId = input.VersionId;
    const stage = input.VersionStage;
    if (versionId !== undefined && typeof versionId !== "string") throw new AwsJsonError("ValidationException", "VersionId must be a string.");
    if (stage !== undefined && typeof stage !== "string") throw new AwsJsonError("ValidationException", "VersionStage must be a string.");
    let version: SecretVersion | undefined;
    if (versionId !== undefined) {
      version = secret.versions.find((candidate) => candidate.id === versionId);
      if (!version) throw new AwsJsonError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      if (stage !== undefined && !version.stages.includes(stage)) throw new AwsJsonError("InvalidRequestException", `You provided a VersionStage that is not associated to the provided VersionId.`);
    } else {
      const label = stage ?? "AWSCURRENT";
      version = secret.versions.find((candidate) => candidate.stages.includes(label));
      if (!version) throw new AwsJsonError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for staging label: ${label}`);
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...(version.secretString !== undefined ? { SecretString: version.secretString } : { SecretBinary: version.secretBinary }),
      VersionStages: [...version.stages],
      CreatedDate: version.createdDate,
    };
  }

  private putValue(input: Record<string, unknown>): { ARN: string; Name: string; VersionId: string; VersionStages: string[] } {
    const secret = this.require(input.SecretId);
    const value = secretValue(input, true) as NonNullable<ReturnType<typeof secretValue>>;
    const token = clientToken(input.ClientRequestToken);
    const retried = token === undefined ? undefined : secret.versions.find((version) => version.id === token);
    if (retried) {
      if (!sameValue(retried, value)) throw new AwsJsonError("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
      return { ARN: secret.arn, Name: secret.name, VersionId: retried.id, VersionStages: [...retried.stages] };
    }
    for (const version of secret.versions) {
      // AWSPREVIOUS moves to the version that was current; the older one keeps no label.
      version.stages = version.stages.includes("AWSCURRENT") ? ["AWSPREVIOUS"] : version.stages.filter((stage) => stage !== "AWSPREVIOUS" && stage !== "AWSCURRENT");
    }
    const version: SecretVersion = { id: token ?? randomUUID(), ...value, createdDate: epochSeconds(), stages: ["AWSCURRENT"] };
    secret.versions.push(version);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  private require(secretId: unknown): StoredSecret {
    if (typeof secretId !== "string" || secretId.length < 1 || secretId.length > 2048) {
      throw new AwsJsonError("ValidationException", "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must have length between 1 and 2048");
    }
    const secret = this.find(secretId);
    if (!secret) throw new AwsJsonError("ResourceNotFoundException", NOT_FOUND);
    return secret;
  }

  /** A secret by name, by full ARN, or by partial ARN (the ARN without its `-XXXXXX` suffix), as AWS resolves SecretId. */
  private find(secretId: string): StoredSecret | undefined {
    if (!secretId.startsWith("arn:")) return this.secrets.get(secretId);
    if (!secretId.startsWith(this.arnPrefix)) return undefined;
    for (const secret of this.secrets.values()) if (secret.arn === secretId) return secret;
    return this.secrets.get(secretId.slice(this.arnPrefix.length));
  }
}

/** The value of a Create/PutSecretValue request: one of SecretString and SecretBinary (required when `required`). */
function secretValue(input: Record<string, unknown>, required: boolean): { secretString: string } | { secretBinary: string } | undefined {
  const { SecretString: text, SecretBinary: binary } = input;
  if (text !== undefined && binary !== undefined) throw new AwsJsonError("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
  if (text === undefined && binary === undefined) {
    if (required) throw new AwsJsonError("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
    return undefined;
  }
  if (text !== undefined) {
    if (typeof text !== "string") throw new AwsJsonError("SerializationException", "SecretString must be a string.");
    if (Buffer.byteLength(text, "utf8") > MAX_SECRET_BYTES) throw tooLong("secretString");
    return { secretString: text };
  }
  if (typeof binary !== "string") throw new AwsJsonError("SerializationException", "SecretBinary must be base64 text.");
  if (Buffer.from(binary, "base64").length > MAX_SECRET_BYTES) throw tooLong("secretBinary");
  return { secretBinary: binary };
}

function tooLong(member: string): AwsJsonError {
  return new AwsJsonError("ValidationException", `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SECRET_BYTES}`);
}

/** ClientRequestToken (the SDK fills it with a UUID): 32-64 characters, used as the version id. */
function clientToken(token: unknown): string | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== "string" || token.length < 32 || token.length > 64) {
    throw new AwsJsonError("ValidationException", "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64");
  }
  return token;
}

function sameValue(version: SecretVersion, value: { secretString: string } | { secretBinary: string }): boolean {
  return "secretString" in value ? version.secretString === value.secretString : version.secretBinary === value.secretBinary;
}

/** The six random alphanumerics Secrets Manager appends to a secret's name in its ARN. */
function suffix(): string {
  return [...randomBytes(6)].map((byte) => ALNUM[byte % ALNUM.length]).join("");
}

function epochSeconds(): number {
  return Date.now() / 1000;
}

