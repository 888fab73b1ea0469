import * as esbuild from "esbuild";
import { Router } from "../../adapters/http/api/router";
import { dashboardAssets } from "./dashboard-assets";
import { addDashboardRoutes, DASHBOARD_CSP } from "./dashboard-routes";

// Spied through the module object: the assets module calls esbuild's `build` once per process.
jest.mock("esbuild", () => {
  const actual = jest.requireActual<typeof import("esbuild")>("esbuild");
  return { ...actual, build: jest.fn(actual.build) };
});

async function get(router: Router, path: string) {
  const match = router.match("GET", path);
  if (!("handler" in match)) throw new Error(`no route for ${path}`);
  return match.handler({ method: "GET", path, query: new URLSearchParams(), headers: {}, body: "", params: match.params });
}

describe("dashboard assets", () => {
  it("bundles the UI once, however many requests ask at the same time", async () => {
    const assets = dashboardAssets();
    const [first, second] = await Promise.all([assets.js(), assets.js()]);
    expect(first.length).toBeGreaterThan(10_000);
    expect(second).toBe(first);
    expect(await dashboardAssets().js()).toBe(first);
    expect(esbuild.build).toHaveBeenCalledTimes(1);
  }, 60_000);

  it("builds no markup from strings anywhere in the bundle (user data reaches the page as text only)", async () => {
    const js = await dashboardAssets().js();
    for (const sink of ["innerHTML", "insertAdjacentHTML", "outerHTML", "document.write", "DOMParser", "createContextualFragment"]) expect(js).not.toContain(sink);
  });

  it("serves the page with a strict CSP, and the script and style sheet with their types", async () => {
    const router = addDashboardRoutes(new Router());
    const page = await get(router, "/");
    expect(page.contentType).toBe("text/html; charset=utf-8");
    expect(page.headers).toMatchObject({ "content-security-policy": DASHBOARD_CSP, "cache-control": "no-cache" });
    expect(DASHBOARD_CSP).toBe("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
    expect(page.text).toMatch(/^<!doctype html>/);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('<meta name="viewport"');
    expect(page.text).toContain('<meta name="color-scheme" content="light dark">');
    expect(page.text).toContain('<link rel="stylesheet" href="/dashboard.css">');
    expect(page.text).toContain('<script src="/dashboard.js" defer></script>');
    expect(page.text).toContain("<noscript>");
    // No inline script or style: the CSP would block it.
    expect(page.text).not.toMatch(/<script>|<style|style=/);

    const js = await get(router, "/dashboard.js");
    expect(js.contentType).toBe("application/javascript; charset=utf-8");
    expect(js.headers).toMatchObject({ "cache-control": "no-cache" });
    expect(js.text).toBe(await dashboardAssets().js());

    const css = await get(router, "/dashboard.css");
    expect(css.contentType).toBe("text/css; charset=utf-8");
    expect(css.text).toContain("prefers-color-scheme: dark");
  });

  it("escapes the server label it puts in the page", () => {
    expect(dashboardAssets({ serverLabel: '"><script>x</script>' }).html).not.toContain("<script>x");
  });
});
