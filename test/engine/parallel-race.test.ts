import { startInProcessFerry, type InProcessFerry } from "../support/in-process-ferry";

/**
 * Exactly one call runs a step unless a fault intervenes. After a parallel group the steps
 * finish in separate calls, and each finish owes the function a discovery call; two of them
 * racing used to both run the next step inline. A discovery call now carries the stack
 * position it was made for, and one the run has left (or already discovered) is dropped.
 */
describe("the step after a parallel group runs once", () => {
  let ferry: InProcessFerry;
  afterEach(() => ferry.close());

  it("across 40 runs of Promise.all over three steps, each followed by one step", async () => {
    const after = new Map<string, number>();
    const parallel = new Map<string, number>();
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "fan" }, { event: "race/fan" }, async ({ event, step }) => {
        const key = String(event.data.n);
        const parts = await Promise.all(
          ["a", "b", "c"].map((name) =>
            step.run(name, async () => {
              parallel.set(`${key}:${name}`, (parallel.get(`${key}:${name}`) ?? 0) + 1);
              // Let the three calls interleave, so their finishes race.
              await new Promise((resolve) => setImmediate(resolve));
              return name;
            }),
          ),
        );
        return step.run("after", () => {
          after.set(key, (after.get(key) ?? 0) + 1);
          return parts.join("");
        });
      }),
    ]);
    const ids = await ferry.send(Array.from({ length: 40 }, (_, n) => ({ name: "race/fan", data: { n } })));
    await ferry.idle();
    for (const id of ids) expect((await ferry.engine.deps.runs.listRunsByEvent(id))[0]).toMatchObject({ status: "Completed", output: "abc" });
    expect([...after.values()]).toEqual(Array(40).fill(1));
    expect([...parallel.values()]).toEqual(Array(120).fill(1));
  });
});
