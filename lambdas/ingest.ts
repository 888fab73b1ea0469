import { oncePerContainer } from "./cold-start";
import { awsDeps } from "./deps";
import { makeHttpHandler, type HttpHandlerDeps } from "./http-handler";
import { loadEventKeys } from "./secrets";

/**
 * The ingest Lambda: `POST /e/{eventKey}` behind the HTTP API. Checks the key, validates and
 * stores the events (24 h sender-id dedup) and publishes them to the bus; the runner routes them.
 */
export const makeIngestHandler = (deps: () => Promise<HttpHandlerDeps>) => makeHttpHandler(deps, { events: true });

/** The deployed handler: deps built on the first event of each container. */
export const handler = makeIngestHandler(
  oncePerContainer(async () => {
    const { engine, telemetry } = awsDeps(process.env);
    const eventKeys = await loadEventKeys(process.env);
    return { telemetry, context: { deps: engine.deps, eventKeys, syncApp: () => Promise.reject(new Error("the ingest Lambda does not sync apps")) } };
  }),
);
