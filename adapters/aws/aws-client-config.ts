/**
 * How an AWS client is reached. In a Lambda only `region` matters (credentials come from the
 * role); the offline test bed points each service at its local server with `endpoint`.
 */
export interface AwsConnection {
  region: string;
  /** A service endpoint other than AWS's own (a local server in tests). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Attempts per call, including the first, before a throttle surfaces as `ThrottledError`. @default 5 */
  maxAttempts?: number;
}

/** The configuration every Ferry AWS client uses: adaptive retry, so throttling slows the caller instead of failing it. */
export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  retryMode: "adaptive";
  maxAttempts: number;
}

/**
 * Client options for one service, with the SDK's adaptive retry mode (client-side rate
 * limiting plus exponential backoff on throttles).
 *
 * @example
 * const sqs = new SQSClient(awsClientConfig({ region: "eu-west-1" }));
 */
export function awsClientConfig(connection: AwsConnection): AwsClientConfig {
  const config: AwsClientConfig = { region: connection.region, retryMode: "adaptive", maxAttempts: connection.maxAttempts ?? 5 };
  if (connection.endpoint !== undefined) config.endpoint = connection.endpoint;
  if (connection.credentials !== undefined) config.credentials = connection.credentials;
  return config;
}
