import { FerryError } from "../errors";
import type { RunRecord } from "../model/run";
import type { EngineDeps } from "./deps";
import { resolveRunOutput, runOutput, storableOutput } from "./payloads";

function depsWithPayloads(threshold = 1024) {
  const objects = new Map<string, string>();
  const puts: string[] = [];
  const deps = {
    settings: { payloadThresholdBytes: threshold },
    payloads: {
      put: async (key: string, body: string) => {
        puts.push(key);
        objects.set(key, body);
      },
      get: async (key: string) => objects.get(key),
    },
  } as unknown as EngineDeps;
  return { deps, objects, puts };
}

const run = (fields: Partial<RunRecord>): RunRecord => ({
  id: "01RUN",
  functionId: "app-fn",
  appId: "app",
  functionVersion: 1,
  status: "Completed",
  events: [],
  stack: [],
  pending: {},
  parallel: false,
  createdAt: 0,
  version: 3,
  ...fields,
});

describe("run outputs in the PayloadStore", () => {
  it("keeps an output up to the threshold inline and writes nothing", async () => {
    const { deps, puts } = depsWithPayloads();
    expect(await storableOutput(deps, "01RUN", { ok: "y".repeat(1000) })).toEqual({ output: { ok: "y".repeat(1000) } });
    expect(await storableOutput(deps, "01RUN", undefined)).toEqual({ output: undefined });
    expect(puts).toEqual([]);
  });

  it("stores a larger output under a content-addressed key of its run, the same key every time", async () => {
    const { deps, objects, puts } = depsWithPayloads();
    const output = { blob: "é".repeat(600) };
    const first = await storableOutput(deps, "01RUN", output);
    const again = await storableOutput(deps, "01RUN", { blob: "é".repeat(600) });
    expect(first).toEqual({ outputRef: { key: expect.stringMatching(/^runs\/01RUN\/output\/[0-9a-z]+$/), bytes: new TextEncoder().encode(JSON.stringify(output)).length } });
    expect(again).toEqual(first);
    expect(puts).toEqual([first.outputRef?.key, first.outputRef?.key]);
    expect(objects.size).toBe(1);
    expect((await storableOutput(deps, "01RUN", { blob: "e".repeat(1200) })).outputRef?.key).not.toBe(first.outputRef?.key);
  });

  it("reads a referenced output back, and resolves a run for the API", async () => {
    const { deps } = depsWithPayloads();
    const stored = run(await storableOutput(deps, "01RUN", ["z".repeat(2000)]));
    expect(stored.output).toBeUndefined();
    expect(await runOutput(deps, stored)).toEqual(["z".repeat(2000)]);
    const resolved = await resolveRunOutput(deps, stored);
    expect(resolved).toEqual({ ...run({}), output: ["z".repeat(2000)] });
    expect(resolved).not.toHaveProperty("outputRef");
    const inline = run({ output: 42 });
    expect(await resolveRunOutput(deps, inline)).toBe(inline);
  });

  it("says which run's output is missing", async () => {
    const { deps } = depsWithPayloads();
    const missing = run({ outputRef: { key: "runs/01RUN/output/gone", bytes: 5000 } });
    await expect(runOutput(deps, missing)).rejects.toThrow(new FerryError("output of run 01RUN (runs/01RUN/output/gone) is missing from the payload store"));
  });
});
