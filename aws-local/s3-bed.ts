import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig } from "../adapters/aws/aws-client-config";

/** The credentials s3rver insists on (it checks signatures). */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** The part of s3rver the bed uses (the package ships no types). */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: { port: number; address: string; silent: boolean; directory: string }) => S3rverServer;

// s3rver is CommonJS without type declarations: load it with a typed require.
const S3rver = createRequire(__filename)("s3rver") as S3rverConstructor;

/** A running s3rver with a client for it. */
export interface S3Bed {
  /** A client for the server (path-style addressing, adaptive retry as the adapters' clients). */
  client: S3Client;
  endpoint: string;
  /** Creates a fresh bucket and returns its name. */
  createBucket(): Promise<string>;
  /** Stops the server and removes its files (unless they are in a directory the caller gave). */
  close(): Promise<void>;
}

/**
 * Starts s3rver (an S3 server in Node, objects on disk) in this process, on a port of its own and
 * a temporary directory that `close` removes, or on `directory`, which is kept (buckets and
 * objects survive a restart: `ferry aws-local --dir`).
 *
 * @example
 * const s3 = await startS3();
 * const store = new S3PayloadStore({ client: s3.client, bucket: await s3.createBucket() });
 */
export async function startS3(options: { maxAttempts?: number; directory?: string } = {}): Promise<S3Bed> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), "ferry-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    ...awsClientConfig({ region: "us-east-1", endpoint, credentials: S3RVER_CREDENTIALS, maxAttempts: options.maxAttempts }),
    // s3rver serves buckets by path, not as subdomains of its address.
    forcePathStyle: true,
  });
  let buckets = 0;
  return {
    client,
    endpoint,
    createBucket: async () => {
      // Names must be 3-63 lowercase characters; the counter keeps them unique within a bed, and
      // the same from one start to the next, so a kept directory's bucket is found again.
      const name = `ferry-bed-${++buckets}`;
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } catch (error) {
        if ((error as Error).name !== "BucketAlreadyOwnedByYou" && (error as Error).name !== "BucketAlreadyExists") throw error;
      }
      return name;
    },
    close: async () => {
      client.destroy();
      await server.close();
      if (options.directory === undefined) rmSync(directory, { recursive: true, force: true });
    },
  };
}
