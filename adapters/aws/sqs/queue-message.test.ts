import { describe, expect, it } from "@jest/globals";
import type { Job, StoredEvent } from "../../../core";
import { decodeMessage, encodeJob, encodeTimer } from "./queue-message";

const event = (bytes: number): StoredEvent => ({ id: "01EVENT", name: "app/big", data: { blob: "x".repeat(bytes) }, user: {}, ts: 1, receivedAt: 1 }) as unknown as StoredEvent;

describe("queue messages", () => {
  it("round-trips a job exactly, non-ASCII text included", () => {
    const job: Job = { type: "call", runId: "01RUN", stepId: "step ü ✓ \"q\"", attempt: 2 };
    expect(decodeMessage(encodeJob(job), "m")).toEqual({ v: 1, job });
  });

  it("leaves a route job's event out when it would not fit a message, so the router reads it from the store", () => {
    const job: Job = { type: "route", eventId: "01EVENT", name: "app/big", event: event(2000) };
    const small = decodeMessage(encodeJob(job, 1000), "m");
    expect(small).toEqual({ v: 1, job: { type: "route", eventId: "01EVENT", name: "app/big" } });
    expect(decodeMessage(encodeJob(job), "m")).toEqual({ v: 1, job });
  });

  it("refuses a job that cannot be made to fit, naming its size", () => {
    expect(() => encodeJob({ type: "debounce", functionId: "f", key: "k".repeat(2000) }, 1000)).toThrow(/over the 1000-byte queue message limit/);
  });

  it("carries timer firings without the event a route job may hold", () => {
    const firing = { id: "t1", at: 5, token: "tok", job: { type: "route", eventId: "01EVENT", event: event(10) } as Job };
    expect(decodeMessage(encodeTimer(firing), "m")).toEqual({ v: 1, timer: { ...firing, job: { type: "route", eventId: "01EVENT" } } });
  });

  it.each([
    ["not JSON", "{nope", /is not JSON/],
    ["another version", JSON.stringify({ v: 2, job: { type: "wake" } }), /is not a Ferry message/],
    ["an unknown job type", JSON.stringify({ v: 1, job: { type: "explode" } }), /carries no known job/],
  ])("refuses a body that is %s", (_what, body, error) => {
    expect(() => decodeMessage(body, "m-1")).toThrow(error);
  });

  it("escapes the characters SQS refuses in a body (U+FFFE, U+FFFF), and they read back the same", () => {
    const job: Job = { type: "debounce", functionId: "f", key: "odd \uFFFF and \uFFFE" };
    const body = encodeJob(job);
    expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(decodeMessage(body, "m")).toEqual({ v: 1, job });
  });
});
