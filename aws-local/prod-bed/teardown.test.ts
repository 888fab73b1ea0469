import { Teardown } from "./teardown";

describe("Teardown", () => {
  it("stops the last started first, each once, and runs every stop when one throws, rethrowing the first error", async () => {
    const teardown = new Teardown();
    const stopped: string[] = [];
    teardown.add("table", (name) => void stopped.push(name));
    teardown.add("queue", () => {
      stopped.push("queue");
      throw new Error("queue would not stop");
    });
    teardown.add("front", async (name) => void stopped.push(name));
    teardown.add("poller", () => {
      throw new Error("poller would not stop");
    });

    await expect(teardown.run()).rejects.toThrow("poller would not stop");
    expect(stopped).toEqual(["front", "queue", "table"]);
    await teardown.run();
    expect(stopped).toHaveLength(3);
  });
});
