import { api } from "../api";
import type { FunctionView } from "../types";

/** Functions by id, for showing names where the API gives ids. */
export type FunctionIndex = Map<string, FunctionView>;

/** Loads the registered functions; an error leaves the index empty (ids are shown instead). */
export async function loadFunctions(signal?: AbortSignal): Promise<FunctionIndex> {
  try {
    const { data } = await api<{ data: FunctionView[] }>("/v1/functions", { signal });
    return new Map(data.map((fn) => [fn.id, fn]));
  } catch {
    return new Map();
  }
}

/** A function's name, or its id when it is not (or no longer) registered. */
export function functionName(index: FunctionIndex, id: string): string {
  return index.get(id)?.name || id;
}

/** The first event trigger's name, the event that invokes the function from the dashboard. */
export function firstEventName(fn: FunctionView): string | undefined {
  for (const trigger of fn.triggers ?? []) if ("event" in trigger && trigger.event) return trigger.event;
  return undefined;
}
