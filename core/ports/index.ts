export type { AlarmClock, Clock, Ids } from "./clock";
export type { EventStore, EventQuery, Page, PageCursor, RunQuery, RunStore, AppStore, WaitStore, ExpectedVersion } from "./stores";
export type { RunQueue, Timers } from "./queue";
export type { FunctionCaller, FunctionCallRequest, FunctionCallResponse } from "./function-caller";
export type { EngineObserver } from "./observer";
export type { FlowItem, FlowStateStore, BacklogEntry, BacklogStore, SkipReason, SkipRecord, SkipStore } from "./flow-stores";
export type { EventBus } from "./event-bus";
export type { PayloadStore } from "./payload-store";
