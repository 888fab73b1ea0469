/** The SDK's semantic version. */
export const SDK_VERSION = "0.1.0";

/** The value of the `X-Inngest-SDK` header and the registration `sdk` field. */
export const SDK_IDENTIFIER = `ferry:v${SDK_VERSION}`;

/** The request version this SDK answers with (`x-inngest-req-version`); v4 prefers 2. */
export const REQUEST_VERSION = 2;

/** Header names used on the wire (lower-case; HTTP headers are case-insensitive). */
export const HeaderNames = {
  sdk: "x-inngest-sdk",
  signature: "x-inngest-signature",
  noRetry: "x-inngest-no-retry",
  retryAfter: "retry-after",
  requestVersion: "x-inngest-req-version",
  syncKind: "x-inngest-sync-kind",
  serverKind: "x-inngest-server-kind",
  expectedServerKind: "x-inngest-expected-server-kind",
  framework: "x-inngest-framework",
} as const;
