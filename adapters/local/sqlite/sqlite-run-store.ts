import { ConflictError, runPhase, type ExpectedVersion, type Page, type RunQuery, type RunRecord, type RunStore, type StepRecord } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";
import { NewestFirst } from "./newest-first";

interface BodyRow {
  body: string;
}

/** Runs (`runs`, indexed by each triggering event in `run_events`) and their steps (`steps`). */
export class SqliteRunStore implements RunStore {
  private readonly statements;
  private readonly createRun;
  private readonly updateRun;
  private readonly listing;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insertRun: db.prepare(
        "INSERT INTO runs (id, created_at, function_id, phase, version, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
      ),
      // `function_id` is fixed at creation like `created_at`, so an update leaves it (and the
      // index on it alone) untouched. `phase` follows the run, in a statement of its own that
      // changes no row when the phase is the same: SQLite rewrites the entries of every index on
      // a column an UPDATE sets, equal value or not, and most run writes (a step done) keep it.
      updateRun: db.prepare("UPDATE runs SET version = ?, body = ? WHERE id = ? AND version = ?"),
      updatePhase: db.prepare("UPDATE runs SET phase = ? WHERE id = ? AND phase IS NOT ?"),
      linkEvent: db.prepare("INSERT INTO run_events (event_id, run_id) VALUES (?, ?) ON CONFLICT DO NOTHING"),
      getRun: db.prepare<[string], BodyRow>("SELECT body FROM runs WHERE id = ?"),
      byEvent: db.prepare<[string], BodyRow>(
        "SELECT runs.body FROM run_events JOIN runs ON runs.id = run_events.run_id WHERE run_events.event_id = ? ORDER BY runs.created_at, runs.id",
      ),
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
      return this.statements.insertRun.run(run.id, run.createdAt, run.functionId, runPhase(run), run.version, JSON.stringify(run)).changes > 0;
    });
    this.listing = new NewestFirst(db, "runs", "created_at");
    this.updateRun = db.transaction((run: RunRecord, expectedVersion: number): boolean => {
      if (this.statements.updateRun.run(run.version, JSON.stringify(run), run.id, expectedVersion).changes === 0) return false;
      const phase = runPhase(run);
      this.statements.updatePhase.run(phase, run.id, phase);
      return true;
    });
  }

  async putRun(run: RunRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const written = guard(`put run ${run.id}`, () =>
      expectedVersion === null
        ? this.createRun(run)
        : this.updateRun(run, expectedVersion),
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

  /** One walk of the index in listing order for the filters given (see `database.ts`), from the cursor on. */
  async listRuns(query: RunQuery): Promise<Page<RunRecord>> {
    const { functionId, phase, from, to, after, limit } = query;
    const equal: Record<string, unknown> = {};
    if (functionId !== undefined) equal.function_id = functionId;
    if (phase !== undefined) equal.phase = phase;
    const byFunction = functionId !== undefined;
    const byPhase = phase !== undefined;
    const index = byFunction ? (byPhase ? "runs_listed_by_function_phase" : "runs_listed_by_function") : byPhase ? "runs_listed_by_phase" : "runs_listed";
    return this.listing.page<RunRecord>("list runs", { index, equal, from, to, after, limit });
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
