import { ingestEvents } from "../../core";
import { startInProcessFerry, T0, type InProcessFerry } from "../support/in-process-ferry";

/**
 * Sending an event converges too: a request that claimed its sender id and stopped before the
 * event was stored or routed is completed by the sender's retry, which must not answer with the
 * id of an event that does not exist, nor start a second run.
 */
describe("a retried send finishes what a stopped one began", () => {
  let ferry: InProcessFerry;
  beforeEach(async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "greet" }, { event: "app/hello" }, async ({ event, step }) => step.run("greet", () => `hello ${String(event.data.who)}`)),
    ]);
  });
  afterEach(() => ferry.close());

  it("stores and routes the event when the first request claimed its id and stopped", async () => {
    // The first request got as far as the claim, under the id it had minted.
    expect(await ferry.engine.deps.events.claimExternalId("order-7", "01KSTOPPED0000000000000000", T0, T0 + 86_400_000)).toBeUndefined();
    const [id] = await ferry.send({ name: "app/hello", id: "order-7", data: { who: "ada" } });
    expect(id).toBe("01KSTOPPED0000000000000000");
    await ferry.idle();
    expect(await ferry.engine.deps.events.getEvent(id as string)).toMatchObject({ name: "app/hello", data: { who: "ada" } });
    expect(await ferry.engine.deps.runs.listRunsByEvent(id as string)).toMatchObject([{ status: "Completed", output: "hello ada" }]);
  });

  it("routes again an event stored but not routed, and a duplicate send starts no second run", async () => {
    const [first] = await ferry.send({ name: "app/hello", id: "order-8", data: { who: "bob" } });
    await ferry.idle();
    const [again] = await ferry.send({ name: "app/hello", id: "order-8", data: { who: "bob" } });
    await ferry.idle();
    expect(again).toBe(first);
    expect(await ferry.engine.deps.runs.listRunsByEvent(first as string)).toMatchObject([{ status: "Completed", output: "hello bob" }]);
    expect((await ferry.engine.deps.runs.listRuns({ limit: 10 })).items.filter((run) => run.functionId === "app-greet")).toHaveLength(1);
  });

  it("deduplicates the official SDK's retried send by its event id seed, event by event", async () => {
    const events = [
      { name: "app/hello", data: { who: "cy" } },
      { name: "app/hello", data: { who: "di" } },
    ];
    const first = await ingestEvents(ferry.engine.deps, events, { idSeed: "1772323200000,c2VlZA==" });
    const retried = await ingestEvents(ferry.engine.deps, events, { idSeed: "1772323200000,c2VlZA==" });
    const another = await ingestEvents(ferry.engine.deps, events.slice(0, 1), { idSeed: "1772323200001,b3RoZXI=" });
    await ferry.idle();
    expect(retried.ids).toEqual(first.ids);
    expect(another.ids[0]).not.toBe(first.ids[0]);
    expect((await ferry.engine.deps.runs.listRuns({ limit: 10 })).items.filter((run) => run.functionId === "app-greet")).toHaveLength(3);
    expect((await ferry.engine.deps.events.getEvent(first.ids[0] as string))?.externalId).toBeUndefined();
  });
});
