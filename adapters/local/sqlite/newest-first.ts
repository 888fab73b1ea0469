import type { Statement } from "better-sqlite3";
import type { Page, PageCursor } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";

/** What one page of a listing holds. */
export interface ListingQuery {
  /** The index whose order is the listing's under these filters: (filter columns..., time, id). */
  index: string;
  /** Equality filters on the index's leading columns, by column. */
  equal: Record<string, unknown>;
  /** Rows at or after this time. */
  from?: number;
  /** Rows before this time. */
  to?: number;
  after?: PageCursor;
  limit: number;
}

interface ListedRow {
  at: number;
  id: string;
  body: string;
}

/**
 * A newest-first listing of one table, ordered by (`atColumn`, id) and paged by keyset: a page
 * goes on strictly below the cursor, so rows written meanwhile never shift it, and a deep page
 * costs what the first does. One statement is prepared per filter combination (the SQL text
 * depends only on which filters are given) and reused, rather than prepared on every call.
 */
export class NewestFirst {
  private readonly statements = new Map<string, Statement<unknown[], ListedRow>>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly table: string,
    private readonly atColumn: string,
  ) {}

  /** One page: at most `limit` rows matching every filter, below `after`. */
  page<T>(what: string, query: ListingQuery): Page<T> {
    const at = this.atColumn;
    const conditions = Object.keys(query.equal).map((column) => `${column} = ?`);
    const args = Object.values(query.equal);
    if (query.from !== undefined) {
      conditions.push(`${at} >= ?`);
      args.push(query.from);
    }
    // Only the tighter of the two upper bounds, so the index walk starts at it: given both,
    // SQLite starts at `to` and filters its way down to the cursor, which grows with every page.
    const { after, to } = query;
    if (after && (to === undefined || after.at < to)) {
      conditions.push(`(${at}, id) < (?, ?)`);
      args.push(after.at, after.id);
    } else if (to !== undefined) {
      conditions.push(`${at} < ?`);
      args.push(to);
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
    // INDEXED BY: the index to walk is known, and the planner, without statistics, sometimes
    // picks one that needs a filter or a sort instead.
    const sql = `SELECT ${at} AS at, id, body FROM ${this.table} INDEXED BY ${query.index}${where} ORDER BY ${at} DESC, id DESC LIMIT ?`;
    // One row more than the page tells whether anything follows it.
    const rows = guard(what, () => this.statement(sql).all(...args, query.limit + 1));
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const page: Page<T> = { items: items.map((row) => parseBody<T>(row.body)) };
    if (rows.length > query.limit && last) page.next = { at: last.at, id: last.id };
    return page;
  }

  private statement(sql: string): Statement<unknown[], ListedRow> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], ListedRow>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
