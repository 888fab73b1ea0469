import { decodeRouteMessage } from "./route-queue-consumer";
import { receiveCountBackoff } from "./retry-backoff";

const envelope = (overrides: Record<string, unknown>) =>
  JSON.stringify({ version: "0", id: "eb-1", "detail-type": "Object Created", source: "aws.s3", account: "123456789012", time: "2026-11-27T10:00:00Z", region: "us-east-1", resources: [], detail: { bucket: { name: "in" } }, ...overrides });

describe("decodeRouteMessage (what the bus rule puts on the route queue)", () => {
  it("turns Ferry's own event into a route job carrying the stored event", () => {
    const event = { id: "01J0000000000000000000000A", name: "video/uploaded", data: { id: 1 }, user: {}, ts: 1, receivedAt: 1 };
    const message = decodeRouteMessage(envelope({ source: "ferry", "detail-type": "video/uploaded", detail: { version: 1, event } }), "m1");
    expect(message).toEqual({ type: "route", job: { type: "route", eventId: event.id, name: event.name, event } });
  });

  it("accepts another service's event as a Ferry event named <source>/<detail-type>, deduplicated by EventBridge's id", () => {
    expect(decodeRouteMessage(envelope({}), "m2")).toEqual({
      type: "foreign",
      input: { name: "aws.s3/Object Created", data: { bucket: { name: "in" } }, id: "eventbridge:eb-1", ts: Date.parse("2026-11-27T10:00:00Z") },
    });
  });

  it("wraps a detail that is not an object, since event data must be one", () => {
    const message = decodeRouteMessage(envelope({ detail: "plain" }), "m3");
    expect(message).toMatchObject({ type: "foreign", input: { data: { detail: "plain" } } });
  });

  it("refuses what is not an EventBridge envelope, or a Ferry event without its detail, naming the message", () => {
    expect(() => decodeRouteMessage("{not json", "m4")).toThrow("route queue message m4 is not JSON");
    expect(() => decodeRouteMessage(JSON.stringify({ hello: "world" }), "m5")).toThrow("route queue message m5 is not an EventBridge event");
    expect(() => decodeRouteMessage(envelope({ source: "ferry", detail: { version: 2 } }), "m6")).toThrow(/is not a Ferry event/);
  });
});

describe("receiveCountBackoff (the route queue's retry spacing)", () => {
  const after = (receives: number) => receiveCountBackoff({ messageId: "m", receiptHandle: "r", body: "", attributes: { ApproximateReceiveCount: String(receives) } });

  it("doubles from one second per receive up to five minutes", () => {
    expect([1, 2, 3, 4, 9, 10, 20, 1000].map(after)).toEqual([1, 2, 4, 8, 256, 300, 300, 300]);
  });

  it("spreads the 20 receives before the dead-letter queue over about an hour", () => {
    const total = Array.from({ length: 20 }, (_, i) => after(i + 1)).reduce((sum, s) => sum + s, 0);
    expect(total).toBeGreaterThan(45 * 60);
    expect(total).toBeLessThan(75 * 60);
  });
});
