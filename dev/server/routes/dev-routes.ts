import type { DevContext } from "../dev-context";
import { HttpError, parseJsonBody } from "../http-errors";
import type { Router } from "../router";
import { dashboardHtml } from "../dashboard-page";

/**
 * Dev-only routes: health, the dashboard page, and (with `--virtual-clock`) the clock that tests
 * move by hand to cross a 7-day wait in milliseconds.
 */
export function addDevRoutes(router: Router, context: DevContext): void {
  router.add("GET", "/health", () => ({ json: { status: "ok" } }));
  router.add("GET", "/", () => ({ text: dashboardHtml, contentType: "text/html; charset=utf-8" }));

  router.add("GET", "/v0/dev/clock", () => ({ json: { now: context.deps.clock.now(), virtual: Boolean(context.virtualClock) } }));
  router.add("POST", "/v0/dev/clock/advance", async (request) => {
    const clock = context.virtualClock;
    if (!clock) throw new HttpError(409, "the clock is real; start ferry dev with --virtual-clock to move it");
    const body = parseJsonBody(request.body) as { ms?: unknown; to?: unknown };
    if (typeof body?.ms === "number" && body.ms >= 0) clock.advance(body.ms);
    else if (typeof body?.to === "number") clock.setTime(body.to);
    else throw new HttpError(400, 'expected {"ms": <non-negative number>} or {"to": <epoch ms>}');
    await context.idle();
    return { json: { now: clock.now() } };
  });
  router.add("POST", "/v0/dev/idle", async () => {
    await context.idle();
    return { json: { now: context.deps.clock.now() } };
  });
}
