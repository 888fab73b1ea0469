import type { FunctionRecord, Trigger } from "../model/app";
import type { FerryEvent } from "../model/event";
import { TriggerIndex } from "./trigger-index";
import { nextCronTime, validateCron } from "./cron";

function fn(id: string, triggers: Trigger[], active = true): FunctionRecord {
  return { id, appId: "app", name: id, triggers, url: "http://x", retries: 4, config: {}, flow: { concurrency: [], cancel: [] }, version: 1, active };
}
const event = (name: string, data: Record<string, unknown> = {}): FerryEvent => ({ id: "e1", name, data, user: {}, ts: 0 });

describe("TriggerIndex", () => {
  const index = new TriggerIndex([
    fn("exact", [{ event: "video/uploaded" }]),
    fn("wild", [{ event: "video/*" }]),
    fn("filtered", [{ event: "user/action", expression: "event.data.plan == 'pro'" }]),
    fn("both", [{ event: "video/uploaded" }, { event: "video/*" }]),
    fn("inactive", [{ event: "video/uploaded" }], false),
    fn("cron", [{ cron: "0 * * * *" }]),
  ]);

  it("matches exact names and wildcard prefixes, each function once", () => {
    expect(index.match(event("video/uploaded")).map((m) => m.fn.id).sort()).toEqual(["both", "exact", "wild"]);
    expect(index.match(event("video/deleted")).map((m) => m.fn.id).sort()).toEqual(["both", "wild"]);
  });

  it("applies the CEL expression; a missing field is no match", () => {
    expect(index.match(event("user/action", { plan: "pro" })).map((m) => m.fn.id)).toEqual(["filtered"]);
    expect(index.match(event("user/action", { plan: "free" }))).toEqual([]);
    expect(index.match(event("user/action", {}))).toEqual([]);
  });

  it("does not match unrelated names or inactive functions", () => {
    expect(index.match(event("videos/uploaded"))).toEqual([]);
  });
});

describe("cron", () => {
  it("computes the next fire strictly after a time, in UTC by default", () => {
    const t = Date.parse("2026-01-01T10:15:00Z");
    expect(new Date(nextCronTime("0 * * * *", t)).toISOString()).toBe("2026-01-01T11:00:00.000Z");
    expect(new Date(nextCronTime("0 * * * *", Date.parse("2026-01-01T11:00:00Z"))).toISOString()).toBe("2026-01-01T12:00:00.000Z");
  });

  it("honours a TZ= prefix", () => {
    const t = Date.parse("2026-01-01T00:00:00Z");
    expect(new Date(nextCronTime("TZ=Europe/Paris 0 9 * * *", t)).toISOString()).toBe("2026-01-01T08:00:00.000Z");
  });

  it("rejects invalid schedules with the field named", () => {
    expect(() => validateCron("61 * * * *", "functions[0].triggers[0].cron")).toThrow(/functions\[0\]\.triggers\[0\]\.cron/);
  });
});
