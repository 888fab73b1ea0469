import type { FetchLike } from "@ferry/sdk";
import { keepAliveFetch } from "@ferry/sdk/node";
import type { FunctionCaller } from "../core";

/**
 * Body bytes exchanged between the engine and the app, both directions, counted at the two
 * places the harness owns: the engine's function caller (calls to the app and their responses)
 * and the fetch the SDK client is given (its requests to the engine API and their responses:
 * the checkpoints, in these workloads). Headers are not counted.
 */
export interface Traffic {
  /** Calls the engine made to the app. */
  calls: number;
  /** Bytes of those calls' request and response bodies. */
  callBytes: number;
  /** Requests the SDK made to the engine API. */
  apiRequests: number;
  /** Bytes of those requests' bodies and of their responses (by `content-length`). */
  apiBytes: number;
}

/** A counter at zero. */
export function noTraffic(): Traffic {
  return { calls: 0, callBytes: 0, apiRequests: 0, apiBytes: 0 };
}

/** What was counted between two snapshots. */
export function trafficSince(before: Traffic, after: Traffic): Traffic {
  return {
    calls: after.calls - before.calls,
    callBytes: after.callBytes - before.callBytes,
    apiRequests: after.apiRequests - before.apiRequests,
    apiBytes: after.apiBytes - before.apiBytes,
  };
}

/** `caller`, adding every call and its response to `traffic`. */
export function countingCaller(caller: FunctionCaller, traffic: Traffic): FunctionCaller {
  return {
    call: async (request) => {
      const response = await caller.call(request);
      traffic.calls++;
      traffic.callBytes += Buffer.byteLength(request.body) + Buffer.byteLength(response.body);
      return response;
    },
  };
}

/** The global fetch (the official SDK's), adding every request and its response to `traffic`. */
export function countingFetch(traffic: Traffic): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    countApiRequest(traffic, init?.body, Number(response.headers.get("content-length") ?? 0));
    return response;
  };
}

/**
 * Our SDK's engine client as its Node adapter uses it (`keepAliveFetch`), adding every request
 * and its response to `traffic`: passing a `fetch` to the client replaces the adapter's, so the
 * bench passes the same one, wrapped.
 */
export function countingKeepAliveFetch(traffic: Traffic): FetchLike {
  const base = keepAliveFetch();
  return async (input, init) => {
    const response = await base(input, init);
    const text = await response.text();
    countApiRequest(traffic, init?.body, Buffer.byteLength(text));
    return { ...response, text: async () => text };
  };
}

function countApiRequest(traffic: Traffic, body: unknown, responseBytes: number): void {
  // Both SDKs send their API bodies as JSON strings; anything else would go uncounted.
  if (body !== undefined && body !== null && typeof body !== "string") throw new Error("bench: an SDK sent a non-string body; count it");
  traffic.apiRequests++;
  traffic.apiBytes += (body ? Buffer.byteLength(body) : 0) + responseBytes;
}
