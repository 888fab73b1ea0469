/** An outgoing HTTP request, as a signer sees it. */
export interface OutgoingRequest {
  method: string;
  url: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Adds transport authentication to a request the engine sends to an app (for example SigV4 for
 * a Lambda function URL with `AWS_IAM` auth): returns the headers to add. The Inngest signature
 * (`X-Inngest-Signature`) is separate and always added by the caller when a key is set.
 */
export type RequestSigner = (request: OutgoingRequest) => Promise<Record<string, string>>;
