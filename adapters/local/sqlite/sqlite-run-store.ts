import { ConflictError, type ExpectedVersion, type RunRecord, type RunStore, type StepRecord } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";

interface BodyRow {
  body: string;
}

/** Runs (`runs`, indexed by each triggering event in `run_events`) and their steps (`steps`). */
export class SqliteRunStore implements RunStore {
  private readonly statements;
  private readonly createRun;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insertRun: db.prepare("INSERT INTO runs (id, created_at, version, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      updateRun: db.prepare("UPDATE runs SET version = ?, body = ? WHERE id = ? AND version = ?"),
      linkEvent: db.prepare("INSERT INTO run_events (event_id, run_id) VALUES (?, ?) ON CONFLICT DO NOTHING"),
      getRun: db.prepare<[string], BodyRow>("SELECT body FROM runs WHERE id = ?"),
      byEvent: db.prepare<[string], BodyRow>(
        "SELECT runs.body FROM run_events JOIN runs ON runs.id = run_events.run_id WHERE run_events.event_id = ? ORDER BY runs.created_at, runs.id",
      ),
      recent: db.prepare<[number], BodyRow>("SELECT body FROM runs ORDER BY created_at DESC, id DESC LIMIT ?"),
      insertStep: db.prepare("INSERT INTO steps (run_id, id, version, body) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, id) DO NOTHING"),
      updateStep: db.prepare("UPDATE steps SET version = ?, body = ? WHERE run_id = ? AND id = ? AND version = ?"),
      getStep: db.prepare<[string, string], BodyRow>("SELECT body FROM steps WHERE run_id = ? AND id = ?"),
      // `seq` is the insertion order, which is the order the steps started.
      listSteps: db.prepare<[string], BodyRow>("SELECT body FROM steps WHERE run_id = ? ORDER BY seq"),
    };
    // A batch run is started by several events; it is listed under each of them. The links
    // are written before the run, as on DynamoDB (where each is its own write and a link to a
    // run not stored yet is joined away); here one transaction holds them, which only saves
    // commits: the core needs no atomicity from it.
    this.createRun = db.transaction((run: RunRecord): boolean => {
      for (const eventId of run.eventIds ?? run.events.map((event) => event.id)) this.statements.linkEvent.run(eventId, run.id);
      return this.statements.insertRun.run(run.id, run.createdAt, run.version, JSON.stringify(run)).changes > 0;
    });
  }

  async putRun(run: RunRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const written = guard(`put run ${run.id}`, () =>
      expectedVersion === null
        ? this.createRun(run)
        : this.statements.updateRun.run(run.version, JSON.stringify(run), run.id, expectedVersion).changes > 0,
    );
    if (!written) throw new ConflictError(`run ${run.id}: ${expectedVersion === null ? "already exists" : `not at version ${expectedVersion}`}`);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = guard(`get run ${id}`, () => this.statements.getRun.get(id));
    return row ? parseBody<RunRecord>(row.body) : undefined;
  }

  async listRunsByEvent(eventId: string): Promise<RunRecord[]> {
    const rows = guard(`list runs of event ${eventId}`, () => this.statements.byEvent.all(eventId));
    return rows.map((row) => parseBody<RunRecord>(row.body));
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    const rows = guard("list runs", () => this.statements.recent.all(limit));
    return rows.map((row) => parseBody<RunRecord>(row.body));
  }

  async putStep(step: StepRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const body = JSON.stringify(step);
    const { changes } = guard(`put step ${step.runId}/${step.id}`, () =>
      expectedVersion === null
        ? this.statements.insertStep.run(step.runId, step.id, step.version, body)
        : this.statements.updateStep.run(step.version, body, step.runId, step.id, expectedVersion),
    );
    if (changes === 0) {
      throw new ConflictError(`step ${step.runId}/${step.id}: ${expectedVersion === null ? "already exists" : `not at version ${expectedVersion}`}`);
    }
  }

  async getStep(runId: string, stepId: string): Promise<StepRecord | undefined> {
    const row = guard(`get step ${runId}/${stepId}`, () => this.statements.getStep.get(runId, stepId));
    return row ? parseBody<StepRecord>(row.body) : undefined;
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    const rows = guard(`list steps of run ${runId}`, () => this.statements.listSteps.all(runId));
    return rows.map((row) => parseBody<StepRecord>(row.body));
  }
}
