import type { RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";
import { toRunView } from "./run-view";

const run: RunRecord = {
  id: "01RUN",
  functionId: "app-f",
  appId: "app",
  functionVersion: 1,
  status: "Running",
  events: [{ id: "01EVT", name: "a/b", data: {}, user: {}, ts: 0 }],
  stack: [],
  pending: {},
  parallel: false,
  createdAt: Date.parse("2026-03-01T00:00:00Z"),
  version: 1,
};

describe("toRunView", () => {
  it("shows representable times as ISO strings", () => {
    const view = toRunView({ ...run, waiting: { type: "sleeping", stepId: "s", until: Date.parse("2026-03-02T00:00:00Z") } });
    expect(view.created_at).toBe("2026-03-01T00:00:00.000Z");
    expect(view.waiting).toEqual({ type: "sleeping", stepId: "s", until: "2026-03-02T00:00:00.000Z" });
  });

  it("shows null, instead of throwing, for times no date can hold", () => {
    const error = { name: "Error", message: "boom" };
    const step: StepRecord = { runId: run.id, id: "s", name: "s", kind: "run", status: "Failed", attempts: 1, errors: [{ attempt: 0, at: 9e15, error }], startedAt: Number.NaN, endedAt: 9e15, version: 1 };
    const view = toRunView({ ...run, createdAt: 9e15, endedAt: -9e15, waiting: { type: "waiting-for-event", stepId: "w", event: "x/y", until: 9e15 } }, [step]);
    expect(view).toMatchObject({ created_at: null, run_started_at: null, ended_at: null, waiting: { until: null } });
    expect(view.steps?.[0]).toMatchObject({ started_at: null, ended_at: null, errors: [{ attempt: 0, at: null, error }] });
  });
});
