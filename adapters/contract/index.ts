/** Contract suites shared by every adapter: stores (SQLite locally, DynamoDB on AWS), the run queue and timers (SQLite locally, SQS and Scheduler on AWS), the event bus (a queue locally, EventBridge on AWS). */
export { describeAppStoreContract } from "./app-store.contract";
export { describeBacklogStoreContract } from "./backlog-store.contract";
export { describeEventStoreContract } from "./event-store.contract";
export { describeFlowStateStoreContract } from "./flow-state-store.contract";
export { describeRunStoreContract } from "./run-store.contract";
export { describeRunListingContract } from "./run-listing.contract";
export { allPages, newestFirstIds } from "./paging";
export { describeSkipStoreContract } from "./skip-store.contract";
export { describeWaitStoreContract } from "./wait-store.contract";
export { describeRunQueueContract, type RunQueueTest } from "./run-queue.contract";
export { describeTimersContract, type TimersTest } from "./timers.contract";
export { describeEventBusContract, type EventBusBed, type EventBusTest } from "./event-bus.contract";
export type { BedTiming, ContractOptions, JobHandler, MakeBed, QueueBed } from "./queue-bed";
export { aFunction, aRun, aStep, aWait, anApp, anEvent, runsInEveryPhase } from "./fixtures";
export { describePayloadStoreContract } from "./payload-store.contract";
