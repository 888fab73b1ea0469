import type { ExpectedVersion, RunRecord, RunStore, StepRecord } from "../../../core";
import { versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf } from "./items";
import { keyPart, keys, recentPartitions, shardOf, timeKey } from "./keys";
import { newestFirst } from "./recent-view";

/**
 * Runs (`RUN#<id>` / `RUN`), their steps in the same partition (`STEP#<stepId>`), and one link
 * per triggering event in the event's partition (`EVENT#<eventId>` / `RUN#<runId>`).
 */
export class DynamoDbRunStore implements RunStore {
  constructor(private readonly table: DynamoTable) {}

  /**
   * Creating a run writes its event links first, each an idempotent put of the same item, and
   * the run last with a create-if-absent condition: a crash in between leaves links to a run
   * that does not exist, which `listRunsByEvent` skips and the retried creation completes.
   * An update replaces the run if it is still at `expectedVersion`; its index keys (id and
   * creation time) never change, so updates never write the recent index.
   */
  async putRun(run: RunRecord, expectedVersion: ExpectedVersion): Promise<void> {
    if (expectedVersion === null) {
      for (const eventId of run.eventIds ?? run.events.map((event) => event.id)) {
        await this.table.put(`link run ${run.id} to event ${eventId}`, { ...keys.runLink(eventId, run.id), runId: run.id });
      }
    }
    const item = {
      ...keys.run(run.id),
      body: JSON.stringify(run),
      version: run.version,
      gsi1pk: `RUNS#${shardOf(run.id)}`,
      gsi1sk: `${timeKey(run.createdAt)}#${keyPart(run.id)}`,
    };
    await this.table.put(`put run ${run.id}`, item, versionCondition(expectedVersion));
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const item = await this.table.get(`get run ${id}`, keys.run(id));
    return item ? bodyOf<RunRecord>(item) : undefined;
  }

  /** The event's links (a consistent query), then the runs themselves (a consistent batch read), oldest first. */
  async listRunsByEvent(eventId: string): Promise<RunRecord[]> {
    const what = `list runs of event ${eventId}`;
    const links = await this.table.query(what, { partition: keys.event(eventId).pk, sortKey: { beginsWith: "RUN#" } });
    const runs = await this.table.batchGet(what, links.map((link) => keys.run(String(link.runId))));
    return [...runs.values()]
      .map((item) => bodyOf<RunRecord>(item))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    const items = await newestFirst(this.table, "list runs", recentPartitions("RUNS"), limit);
    return items.map((item) => bodyOf<RunRecord>(item));
  }

  /**
   * A step's `seq` orders `listSteps`: its start time, then a counter of this process, so steps
   * started in the same millisecond by one process keep their order (two processes starting
   * steps of one run in the same millisecond have no order to keep). An update sets only the
   * body and version, keeping `seq`.
   */
  async putStep(step: StepRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const what = `put step ${step.runId}/${step.id}`;
    const key = keys.step(step.runId, step.id);
    const body = JSON.stringify(step);
    if (expectedVersion === null) {
      await this.table.put(what, { ...key, body, version: step.version, seq: `${timeKey(step.startedAt)}.${nextSeq()}` }, versionCondition(null));
    } else {
      await this.table.update(what, key, { body, version: step.version }, versionCondition(expectedVersion));
    }
  }

  async getStep(runId: string, stepId: string): Promise<StepRecord | undefined> {
    const item = await this.table.get(`get step ${runId}/${stepId}`, keys.step(runId, stepId));
    return item ? bodyOf<StepRecord>(item) : undefined;
  }

  /** Every step of the run, one consistent query of its partition, in `seq` order. */
  async listSteps(runId: string): Promise<StepRecord[]> {
    const items = await this.table.query(`list steps of run ${runId}`, { partition: keys.run(runId).pk, sortKey: { beginsWith: "STEP#" } });
    return items
      .sort((a, b) => (String(a.seq) < String(b.seq) ? -1 : String(a.seq) > String(b.seq) ? 1 : 0))
      .map((item) => bodyOf<StepRecord>(item));
  }
}

let stepCounter = 0;

/** A per-process counter, zero-padded so it sorts as a string. */
function nextSeq(): string {
  stepCounter += 1;
  return String(stepCounter).padStart(12, "0");
}
