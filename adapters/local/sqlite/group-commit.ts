import type { Statement } from "better-sqlite3";
import { FerryError } from "../../../core";
import type { SqliteDatabase } from "./database";

/** How a group's commit is deferred; tests pass their own to commit on demand. */
export type CommitScheduler = (commit: () => void) => void;

/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions {
  /** @default `setImmediate`: everything written in one turn of the event loop commits together */
  schedule?: CommitScheduler;
  /**
   * Called when a group could not commit (its writes were rolled back). @default throw, so the
   * process stops: see the class comment for why it must not go on.
   */
  onFailure?: (error: FerryError) => void;
}

/**
 * Group commit for the local engine's one SQLite connection: the first write after a commit
 * opens a transaction, and every write until the next turn of the event loop joins it, so the
 * dozens of jobs in flight share one commit instead of paying one each (a job makes about five
 * writes, and at thousands of steps a second the commits were most of SQLite's cost).
 *
 * What may leave the process must not depend on writes that are not committed: await
 * `durable()` before an HTTP response or an outbound call. It resolves when the group holding
 * the writes so far has committed, so the answers and calls of one turn share a commit too
 * (committing for each would cost a commit per step again). A kill -9 then loses at most the
 * writes of the current turn, all of them together, and nobody outside has seen them: the same
 * as stopping a moment earlier, which every job already survives (they converge on redelivery).
 *
 * A failed commit rolls the whole group back, which may leave a job acknowledged in a later
 * group while the work it enqueued in this one is gone. Going on could lose that work, so the
 * default reaction is to throw and stop the process; the next start redelivers what is missing.
 *
 * Installing wraps the connection's `prepare` and `transaction`: statements that write, and
 * transaction functions (which then nest as savepoints), join the group. Install it before the
 * stores prepare their statements.
 */
export class GroupCommit {
  private open = false;
  /** Waiting for the open group's commit (`durable`). */
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly schedule: CommitScheduler;
  private readonly onFailure: (error: FerryError) => void;

  constructor(
    private readonly db: SqliteDatabase,
    options: GroupCommitOptions = {},
  ) {
    this.schedule = options.schedule ?? ((commit) => setImmediate(commit));
    this.onFailure =
      options.onFailure ??
      ((error) => {
        throw error;
      });
    this.wrapConnection();
  }

  /** True while writes are waiting for their commit. */
  get pending(): boolean {
    return this.open;
  }

  /**
   * Resolves once every write made so far is committed: at once when no group is open, else
   * with the open group's commit (rejects if that commit fails).
   */
  durable(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Commits the open group now, if there is one; cheap when there is none. */
  commit(): void {
    if (!this.open) return;
    this.open = false;
    const waiters = this.waiters;
    this.waiters = [];
    // Closed under us: closing rolled the group back, as a crash would (tests do this on purpose).
    if (!this.db.open) {
      for (const waiter of waiters) waiter.reject(new FerryError("the database was closed before its writes were committed"));
      return;
    }
    try {
      this.db.exec("COMMIT");
    } catch (error) {
      // A failed COMMIT may leave the transaction open (a deferred constraint): end it, so the
      // connection is usable and nothing half-written stays visible.
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      const message = error instanceof Error ? error.message : String(error);
      const failure = new FerryError(`the database could not commit (${message}); the writes since the last commit were rolled back, restart to resume from there`, { cause: error });
      for (const waiter of waiters) waiter.reject(failure);
      this.onFailure(failure);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }

  /** Opens a group for the write about to happen, unless one (or a caller's transaction) is open. */
  private join(): void {
    if (this.open || this.db.inTransaction) return;
    this.db.exec("BEGIN");
    this.open = true;
    this.schedule(() => this.commit());
  }

  private wrapConnection(): void {
    const db = this.db;
    const prepare = db.prepare.bind(db);
    const transaction = db.transaction.bind(db);
    const join = () => this.join();
    const joining = (statement: Statement): Statement => {
      // `readonly` is SQLite's own answer (sqlite3_stmt_readonly): SELECTs stay outside groups.
      if (statement.readonly) return statement;
      for (const method of ["run", "get", "all", "iterate"] as const) {
        const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
        Object.defineProperty(statement, method, {
          value: (...args: unknown[]) => {
            join();
            return original(...args);
          },
        });
      }
      return statement;
    };
    Object.defineProperty(db, "prepare", { value: (source: string) => joining(prepare(source)) });
    Object.defineProperty(db, "transaction", {
      value: (fn: (...args: never[]) => unknown) => {
        const inner = transaction(fn);
        const joined = (...args: never[]) => {
          join();
          return inner(...args);
        };
        return Object.assign(joined, { deferred: inner.deferred, immediate: inner.immediate, exclusive: inner.exclusive });
      },
    });
  }
}
