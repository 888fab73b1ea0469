import { handleJob, ingestEvents, registerApp, VirtualClock, type BacklogStore, type Delivery, type EngineDeps, type FunctionCallResponse, type Job } from "../../core";
import { wakeParked } from "../../core/flow/concurrency";
import { createLocalEngine, type LocalEngine } from "../../adapters/local/local-engine";
import { T0 } from "../support/in-process-ferry";

/**
 * A freed concurrency slot wakes a parked call: the waker queues the call, then removes its
 * backlog entry. The woken call may run in between, find the slot taken again by a newcomer,
 * and park once more. That new park must survive the waker's remove (and any other waker's
 * that peeked the old entry), or nothing ever wakes the call again and its run waits for
 * concurrency forever. The windows are opened on purpose on the real local engine (SQLite,
 * the persisted queue, a virtual clock): the woken call is held until the newcomer holds the
 * slot, and the waker's remove until the woken call has parked again.
 */

/** A promise with its resolver, for holding a call or a job at a chosen point. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls without moving the clock until `predicate` holds. */
async function until(predicate: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (await predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The function's concurrency key (`fn` scope, no key expression). */
const KEY = "conc:fn:one-at-a-time:";

interface Bed {
  engine: LocalEngine;
  clock: VirtualClock;
  /** Calls made, by the `data.name` of the run's event, in order. */
  calls: string[];
  /** Lets the call of the run named `name` answer (it completes the run). */
  answer(name: string): void;
  /** How many parks the engine made. */
  parks: number;
  /** Woken calls the engine handled (the `parked` job), in order. */
  woken: Job[];
  /** Jobs the queue delivered again. */
  redelivered: Job[];
  send(name: string): Promise<string>;
  status(eventId: string): Promise<string | undefined>;
}

/**
 * One function with `concurrency: 1` whose single call holds its slot until the test lets it
 * answer. `beforeRemove` runs before each backlog remove the engine makes and `beforeWoken`
 * before each woken call is handled; awaiting in them holds that remove or job.
 */
async function bed(hooks: { beforeRemove: (id: string) => Promise<void>; beforeWoken: () => Promise<void> }): Promise<Bed> {
  const clock = new VirtualClock(T0);
  const answers = new Map<string, ReturnType<typeof gate>>();
  const answerOf = (name: string) => {
    if (!answers.has(name)) answers.set(name, gate());
    return answers.get(name) as ReturnType<typeof gate>;
  };
  const wrap = (backlog: BacklogStore): BacklogStore => ({
    park: async (entry) => {
      await backlog.park(entry);
      self.parks++;
    },
    peek: (key, limit) => backlog.peek(key, limit),
    remove: async (key, id) => {
      await hooks.beforeRemove(id);
      return backlog.remove(key, id);
    },
    count: (key) => backlog.count(key),
  });
  const engine = createLocalEngine({
    database: ":memory:",
    clock,
    handle: async (deps: EngineDeps, job: Job, delivery: Delivery) => {
      if (delivery.redelivered) self.redelivered.push(job);
      if (job.type === "call" && job.parked !== undefined) {
        self.woken.push(job);
        await hooks.beforeWoken();
      }
      await handleJob({ ...deps, backlog: wrap(deps.backlog) }, job, delivery);
    },
    caller: {
      call: async (request): Promise<FunctionCallResponse> => {
        const name = (JSON.parse(request.body) as { event: { data: { name: string } } }).event.data.name;
        self.calls.push(name);
        await answerOf(name).promise;
        return { status: 200, headers: { "x-inngest-sdk": "js:v4.24.0" }, body: JSON.stringify(`${name} done`) };
      },
    },
  });
  await registerApp(engine.deps, {
    url: "http://app.test/api",
    appName: "app",
    functions: [
      {
        id: "one-at-a-time",
        name: "one at a time",
        triggers: [{ event: "t/go" }],
        concurrency: [{ limit: 1 }],
        steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://app.test/api" } } },
      },
    ],
  });
  const self: Bed = {
    engine,
    clock,
    calls: [],
    parks: 0,
    woken: [],
    redelivered: [],
    answer: (name) => answerOf(name).open(),
    send: async (name) => (await ingestEvents(engine.deps, [{ name: "t/go", data: { name } }])).ids[0] as string,
    status: async (eventId) => (await engine.deps.runs.listRunsByEvent(eventId))[0]?.status,
  };
  engine.start();
  return self;
}

describe("concurrency: a woken call that parks again before the old backlog entry is removed", () => {
  let current: Bed | undefined;
  /** The event of the newcomer run `c`. */
  let newcomer = "";
  afterEach(async () => {
    if (!current) return;
    for (const name of ["a", "b", "c"]) current.answer(name);
    current.clock.advance(60 * 60_000);
    await current.engine.close();
    current = undefined;
  });

  /**
   * `a` holds the slot and `b` is parked. When `a` answers, its call gives the slot back and
   * wakes `b`; `race` runs inside that waker's remove of `b`'s entry (the first remove), with
   * the woken `b` held until `release()`; what it returns as `afterRemove` is awaited after
   * that remove. Then every call answers and time passes well beyond any lease and recheck:
   * all three runs must complete, `b` last and once, with nothing left parked.
   */
  async function scenario(race: (b: Bed, release: () => void) => Promise<{ afterRemove: Promise<void> } | void>): Promise<Bed> {
    let armed = false;
    const held = gate();
    const raced = gate();
    let afterRemove: Promise<void> | undefined;
    const b = await bed({
      beforeWoken: () => held.promise,
      beforeRemove: async () => {
        if (!armed) return;
        armed = false;
        try {
          afterRemove = (await race(b, held.open))?.afterRemove;
        } finally {
          raced.open();
        }
      },
    });
    current = b;

    const first = await b.send("a");
    await until(() => b.calls.includes("a"), "a holding the slot");
    const parked = await b.send("b");
    await until(async () => (await b.engine.deps.backlog.count(KEY)) === 1, "b parked");

    armed = true;
    b.answer("a");
    await raced.promise;
    await afterRemove;
    b.answer("c");
    b.answer("b");
    for (let i = 0; i < 4; i++) {
      b.clock.advance(10 * 60_000);
      await b.engine.idle();
    }

    expect(await b.status(first)).toBe("Completed");
    expect(await b.status(newcomer)).toBe("Completed");
    // b was woken, found the newcomer in the slot, parked again, and must run once c is done.
    expect(await b.status(parked)).toBe("Completed");
    expect(b.calls).toEqual(["a", "c", "b"]);
    expect(await b.engine.deps.backlog.count(KEY)).toBe(0);
    return b;
  }

  /** A new run `c` takes the slot `a` freed; then the woken `b` runs, is blocked by `c`, and parks again. */
  async function newcomerThenRepark(b: Bed, release: () => void): Promise<void> {
    newcomer = await b.send("c");
    await until(() => b.calls.includes("c"), "the newcomer c holding the slot");
    const parks = b.parks;
    release();
    await until(() => b.parks > parks, "the woken b parked again");
  }

  it("keeps the new park when the waker's remove comes after it", async () => {
    await scenario(newcomerThenRepark);
  });

  // At least once: the same woken job handled a second time, still before the waker's remove,
  // as a duplicate copy (the queue does not know) or as a redelivery (which converges the run first).
  it.each([false, true])("keeps the new park when the woken call is delivered again after it parked again (redelivered: %s)", async (redelivered) => {
    await scenario(async (b, release) => {
      await newcomerThenRepark(b, release);
      const [again] = b.woken;
      if (!again) throw new Error("no woken call seen");
      await handleJob(b.engine.deps, again, { redelivered });
    });
  });

  it("wakes the call once more, not never, when the waker stops before its remove and is delivered again", async () => {
    const b = await scenario(async (b, release) => {
      await newcomerThenRepark(b, release);
      // The waker's job (a's call, giving its slot back) stops here; the queue delivers it again.
      throw new Error("worker stopped before removing the woken entry");
    });
    // The job delivered again is the waker (a's call), not a woken call.
    expect(b.redelivered.flatMap((job) => (job.type === "call" ? [job.parked] : []))).toEqual([undefined]);
  });

  it("keeps the new park when a second waker that peeked the old entry removes it afterwards", async () => {
    await scenario(async (b, release) => {
      // Another waker (say, a concurrency recheck) saw the same free slot and peeked the same
      // entry; its remove is held until the woken call has parked again.
      const late = gate();
      let peeked = false;
      const backlog = b.engine.deps.backlog;
      const slow: BacklogStore = {
        park: (entry) => backlog.park(entry),
        peek: async (key, limit) => {
          const entries = await backlog.peek(key, limit);
          peeked = true;
          return entries;
        },
        remove: async (key, id) => {
          await late.promise;
          return backlog.remove(key, id);
        },
        count: (key) => backlog.count(key),
      };
      const second = wakeParked(slow, b.engine.deps.queue, KEY, 1);
      await until(() => peeked, "the second waker peeked b's entry");
      // The first waker's remove goes now; the rest happens after it.
      const afterRemove = (async () => {
        await newcomerThenRepark(b, release);
        late.open();
        await second;
      })();
      return { afterRemove };
    });
  });
});
