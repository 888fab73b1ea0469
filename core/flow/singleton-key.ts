import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import { functionKey } from "./flow-keys";

/** The flow-state key a singleton function's run holds while it runs. */
export function singletonKey(fn: FunctionRecord, event: FerryEvent): string {
  return functionKey("singleton", fn, fn.flow.singleton?.key, event);
}
