/**
 * Large values kept outside the records that refer to them: a DynamoDB item holds 400 KB, so
 * step outputs, batches and other payloads above a threshold live here (locally SQLite, on AWS
 * S3) and the record keeps a `PayloadRef`. Objects are immutable: a key names one content.
 */
export interface PayloadStore {
  /** Stores `body` under `key`; writing the same key again with the same body is a no-op. */
  put(key: string, body: string, expiresAt?: number): Promise<void>;
  /** The body stored under `key`, or undefined when there is none (expired, never written). */
  get(key: string): Promise<string | undefined>;
}
