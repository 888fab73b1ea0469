import { ConflictError, runPhase, type ExpectedVersion, type Page, type RunQuery, type RunRecord, type RunStore, type StepRecord } from "../../../core";
import { versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf, type Item } from "./items";
import { keys, recentPartitions, recentSortKey, shardOf, timeKey } from "./keys";
import { LIST_READ_BUDGET, recentPage } from "./recent-view";
import { EVENTS_ITEM_ATTRIBUTE, EVENTS_ITEM_THRESHOLD_BYTES, runOf, runsOf, splitRun, splitUpdateCondition, type RunItems } from "./run-events-item";

/** Options of the run store. */
export interface DynamoDbRunStoreOptions {
  /** A run whose events' JSON is over this many bytes keeps them in an item of their own. @default EVENTS_ITEM_THRESHOLD_BYTES (1 KB) */
  eventsItemThresholdBytes?: number;
  /** Index entries a `listRuns` filtered by function or phase examines at most per call. @default LIST_READ_BUDGET (1,000) */
  listReadBudget?: number;
}

/**
 * Runs (`RUN#<id>` / `RUN`), their steps in the same partition (`STEP#<stepId>`), their events
 * when over `eventsItemThresholdBytes` (`EVENTS#<sha256>`, see `run-events-item.ts`), and one link
 * per triggering event in the event's partition (`EVENT#<eventId>` / `RUN#<runId>`).
 *
 * A run's events are fixed when it is created: core writes runs only through `createRun` and
 * `mutateRun`, and no decision of `mutateRun` assigns `events`, `eventsRef` or `eventIds` (checked
 * with grep over core/). So the events item is written once and an update rewrites only the run
 * item, a few hundred bytes where the events take up to `maxEventBytes` (256 KB).
 */
export class DynamoDbRunStore implements RunStore {
  private readonly eventsThresholdBytes: number;
  private readonly listReadBudget: number;

  constructor(
    private readonly table: DynamoTable,
    options: DynamoDbRunStoreOptions = {},
  ) {
    this.eventsThresholdBytes = options.eventsItemThresholdBytes ?? EVENTS_ITEM_THRESHOLD_BYTES;
    this.listReadBudget = options.listReadBudget ?? LIST_READ_BUDGET;
  }

  /**
   * Creating a run writes its events item (when split off), then its event links, each an
   * idempotent put of the same item, and the run last with a create-if-absent condition: a
   * crash in between leaves an events item nothing names and links to a run that does not
   * exist, which `listRunsByEvent` skips, and the retried creation writes the same items again
   * and completes it. An update replaces only the run item, if it is still at
   * `expectedVersion`; its index keys (id and creation time) never change, so updates never
   * write the recent index.
   */
  async putRun(run: RunRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const stored = splitRun(run, this.eventsThresholdBytes);
    const item = {
      ...keys.run(run.id),
      body: stored.body,
      version: run.version,
      gsi1pk: `RUNS#${shardOf(run.id)}`,
      gsi1sk: recentSortKey(run.createdAt, run.id),
      ...(stored.eventsItem ? { [EVENTS_ITEM_ATTRIBUTE]: stored.eventsItem.sk } : {}),
    };
    if (expectedVersion !== null) return this.updateRun(run.id, item, stored, expectedVersion);
    if (stored.eventsItem) await this.table.put(`put events of run ${run.id}`, stored.eventsItem);
    for (const eventId of run.eventIds ?? run.events.map((event) => event.id)) {
      await this.table.put(`link run ${run.id} to event ${eventId}`, { ...keys.runLink(eventId, run.id), runId: run.id });
    }
    await this.table.put(`put run ${run.id}`, item, versionCondition(null));
  }

  /**
   * An update of a run whose events are split off is conditioned on the run item naming the
   * same events item already. That fails for a real conflict, and for a run whose events are
   * still inline (stored before this split existed, or under a higher threshold): a consistent
   * read tells them apart, and the second gets its events item written first, then the run item
   * at the same expected version, the same order as a creation.
   */
  private async updateRun(id: string, item: Item, stored: RunItems, expected: number): Promise<void> {
    const what = `put run ${id}`;
    if (!stored.eventsItem) {
      await this.table.put(what, item, versionCondition(expected));
      return;
    }
    try {
      await this.table.put(what, item, splitUpdateCondition(expected, stored.eventsItem.sk));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if ((await this.table.get(`get run ${id}`, keys.run(id)))?.version !== expected) throw error;
      await this.table.put(`put events of run ${id}`, stored.eventsItem);
      await this.table.put(what, item, versionCondition(expected));
    }
  }

  /** The run item, then its events item when they are split off (one more consistent GetItem). */
  async getRun(id: string): Promise<RunRecord | undefined> {
    const what = `get run ${id}`;
    const item = await this.table.get(what, keys.run(id));
    return item ? runOf(this.table, what, item) : undefined;
  }

  /** The event's links (a consistent query), then the runs and their split-off events (consistent batch reads), oldest first. */
  async listRunsByEvent(eventId: string): Promise<RunRecord[]> {
    const what = `list runs of event ${eventId}`;
    const links = await this.table.query(what, { partition: keys.event(eventId).pk, sortKey: { beginsWith: "RUN#" } });
    const items = await this.table.batchGet(what, links.map((link) => keys.run(String(link.runId))));
    const runs = await runsOf(this.table, what, [...items.values()]);
    return runs.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Through the recent index, its 8 shards merged newest first; the time bounds and the cursor
   * are key conditions. The index holds keys only, so the function and phase filters are
   * checked on the runs read from the base table, up to `listReadBudget` of them a call (see
   * `recentPage`); then the split-off events of the runs kept (consistent batch reads).
   */
  async listRuns(query: RunQuery): Promise<Page<RunRecord>> {
    const what = "list runs";
    const { functionId, phase } = query;
    const filtered = functionId !== undefined || phase !== undefined;
    const accept = (item: Item) => {
      const run = bodyOf<RunRecord>(item);
      return (functionId === undefined || run.functionId === functionId) && (phase === undefined || runPhase(run) === phase);
    };
    const page = await recentPage(this.table, what, {
      partitions: recentPartitions("RUNS"),
      limit: query.limit,
      from: query.from,
      to: query.to,
      after: query.after,
      accept: filtered ? accept : undefined,
      readBudget: Math.min(this.listReadBudget, query.readBudget ?? Number.POSITIVE_INFINITY),
    });
    const items = await runsOf(this.table, what, page.records);
    return page.next ? { items, next: page.next } : { items };
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
