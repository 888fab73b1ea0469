import { Ferry } from "./client";
import { fakeFetch, testClient } from "./test-helpers";

describe("Ferry client", () => {
  it("sends events to {base}/e/{key} and returns ids", async () => {
    const fetch = fakeFetch(200, { ids: ["a", "b"], status: 200 });
    const client = new Ferry({ id: "app", baseUrl: "http://engine:9000/", eventKey: "k1", fetch, env: {} });
    const result = await client.send([{ name: "x" }, { name: "y", data: { n: 1 } }]);
    expect(result).toEqual({ ids: ["a", "b"] });
    expect(fetch.calls[0]?.url).toBe("http://engine:9000/e/k1");
    expect(JSON.parse(fetch.calls[0]?.body ?? "")).toEqual([{ name: "x", data: {} }, { name: "y", data: { n: 1 } }]);
  });

  it("throws with the server's message on non-2xx", async () => {
    const client = testClient({ fetch: fakeFetch(401, { status: 401, error: "event key not found" }) });
    await expect(client.send({ name: "x" })).rejects.toThrow(/401.*event key not found/);
  });

  it("refuses to send without an event key outside dev mode", async () => {
    const client = new Ferry({ id: "app", env: {}, fetch: fakeFetch() });
    await expect(client.send({ name: "x" })).rejects.toThrow(/no event key/);
  });

  it("accepts the v3 three-argument and v4 two-argument createFunction forms", () => {
    const client = testClient();
    const v3 = client.createFunction({ id: "a" }, { event: "e/a", if: "event.data.ok" }, async () => 1);
    const v4 = client.createFunction({ id: "b", triggers: [{ event: "e/b" }, { cron: "0 * * * *" }] }, async () => 2);
    const single = client.createFunction({ id: "c", trigger: { event: "e/c" } }, async () => 3);
    expect(v3.triggers).toEqual([{ event: "e/a", expression: "event.data.ok" }]);
    expect(v4.triggers).toEqual([{ event: "e/b" }, { cron: "0 * * * *" }]);
    expect(single.triggers).toEqual([{ event: "e/c" }]);
    expect(v4.fullId).toBe("app-b");
    expect(() => client.createFunction({ id: "d" }, async () => 4)).toThrow(/trigger/);
  });
});
