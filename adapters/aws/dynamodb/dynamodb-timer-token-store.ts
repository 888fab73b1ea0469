import { ConflictError, type Job } from "../../../core";
import type { TimerToken, TimerTokenStore } from "../timers/timer-token-store";
import type { DynamoTable } from "./dynamo-table";
import { keys, ttlSeconds } from "./keys";
import { TTL_ATTRIBUTE } from "./table";

/**
 * How long past its due time a timer token stays before TTL collects it: longer than any
 * firing can be late (Scheduler retries for at most 24 h, SQS keeps a message at most 14
 * days), so TTL only ever removes the token of a timer whose firing was lost for good.
 */
const TOKEN_TTL_GRACE_MS = 30 * 24 * 60 * 60 * 1000;

/** Timer tokens, one item per timer id (`TIMER#<id>` / `TIMER`). */
export class DynamoDbTimerTokenStore implements TimerTokenStore {
  constructor(private readonly table: DynamoTable) {}

  /** An unconditional put: the latest schedule of a timer wins. */
  async put(token: TimerToken): Promise<void> {
    const item: Record<string, string | number> = { ...keys.timer(token.id), token: token.token, at: token.at, [TTL_ATTRIBUTE]: ttlSeconds(token.at + TOKEN_TTL_GRACE_MS) };
    if (token.job !== undefined) item.job = JSON.stringify(token.job);
    await this.table.put(`put timer token ${token.id}`, item);
  }

  async get(id: string): Promise<TimerToken | undefined> {
    const item = await this.table.get(`get timer token ${id}`, keys.timer(id));
    if (!item) return undefined;
    const token: TimerToken = { id, token: String(item.token), at: Number(item.at) };
    if (typeof item.job === "string") token.job = JSON.parse(item.job) as Job;
    return token;
  }

  /** With `token`, a delete conditional on it: a newer schedule of the same id is left alone. */
  async delete(id: string, token?: string): Promise<void> {
    const what = `delete timer token ${id}`;
    if (token === undefined) {
      await this.table.delete(what, keys.timer(id));
      return;
    }
    try {
      await this.table.delete(what, keys.timer(id), { expression: "#token = :token", names: { "#token": "token" }, values: { ":token": token } });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}
