import type { ApiResponse, Router } from "../../adapters/http/api/router";
import { dashboardAssets, type DashboardAssetOptions } from "./dashboard-assets";

/**
 * The page may load only its own script, style sheet and API: even if user data slipped into
 * markup, no inline script or foreign resource would run. `frame-ancestors` stops clickjacking
 * of the Cancel and Replay buttons.
 */
export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/** `no-cache`: revalidate every time, so a restarted server's new bundle is picked up at once. */
const HEADERS = { "content-security-policy": DASHBOARD_CSP, "cache-control": "no-cache" };

/**
 * Serves the dashboard: `GET /` (the HTML shell), `/dashboard.js` (bundled on first request)
 * and `/dashboard.css`. Used by `ferry dev` and by `ferry dashboard`. Returns the router.
 */
export function addDashboardRoutes(router: Router, options: DashboardAssetOptions = {}): Router {
  const assets = () => dashboardAssets(options);
  const file = (text: string, contentType: string): ApiResponse => ({ text, contentType, headers: HEADERS });
  router.add("GET", "/", () => file(assets().html, "text/html; charset=utf-8"));
  router.add("GET", "/dashboard.js", async () => file(await assets().js(), "application/javascript; charset=utf-8"));
  router.add("GET", "/dashboard.css", () => file(assets().css, "text/css; charset=utf-8"));
  return router;
}
