/** Store contract suites shared by every adapter (SQLite locally, DynamoDB on AWS). */
export { describeAppStoreContract } from "./app-store.contract";
export { describeBacklogStoreContract } from "./backlog-store.contract";
export { describeEventStoreContract } from "./event-store.contract";
export { describeFlowStateStoreContract } from "./flow-state-store.contract";
export { describeRunStoreContract } from "./run-store.contract";
export { describeSkipStoreContract } from "./skip-store.contract";
export { describeWaitStoreContract } from "./wait-store.contract";
export { aFunction, aRun, aStep, aWait, anApp, anEvent } from "./fixtures";
