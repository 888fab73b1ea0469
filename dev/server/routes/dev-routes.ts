import type { DevContext } from "../dev-context";
import { HttpError } from "../../../adapters/http/api/http-errors";
import { parseJsonBody } from "../../../adapters/http/api/json-body";
import type { Router } from "../../../adapters/http/api/router";
import { addDashboardRoutes } from "../../dashboard/dashboard-routes";

/** The last instant a JavaScript date can hold; the clock stops short of it so times stay showable. */
const LAST_DATE_MS = 8.64e15;

/**
 * Dev-only routes: health, the dashboard (`/`, `/dashboard.js`, `/dashboard.css`), and (with
 * `--virtual-clock`) the clock that tests move by hand to cross a 7-day wait in milliseconds.
 */
export function addDevRoutes(router: Router, context: DevContext): void {
  router.add("GET", "/health", () => ({ json: { status: "ok" } }));
  addDashboardRoutes(router);

  router.add("GET", "/v0/dev/clock", () => ({ json: { now: context.deps.clock.now(), virtual: Boolean(context.virtualClock) } }));
  router.add("POST", "/v0/dev/clock/advance", async (request) => {
    const clock = context.virtualClock;
    if (!clock) throw new HttpError(409, "the clock is real; start ferry dev with --virtual-clock to move it");
    const body = parseJsonBody(request.body) as { ms?: unknown; to?: unknown };
    const target = typeof body?.ms === "number" && body.ms >= 0 ? clock.now() + body.ms : typeof body?.to === "number" ? body.to : undefined;
    if (target === undefined) throw new HttpError(400, 'expected {"ms": <non-negative number>} or {"to": <epoch ms>}');
    // JSON's 1e400 is Infinity: a clock moved there would stamp every record with an unshowable time.
    if (!Number.isFinite(target) || target > LAST_DATE_MS) throw new HttpError(400, `the clock cannot move past ${LAST_DATE_MS} ms (the last JavaScript date)`);
    clock.setTime(target);
    await context.idle();
    return { json: { now: clock.now() } };
  });
  router.add("POST", "/v0/dev/idle", async () => {
    await context.idle();
    return { json: { now: context.deps.clock.now() } };
  });
}
