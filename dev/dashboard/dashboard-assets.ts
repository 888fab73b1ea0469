import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

/** The dashboard's browser code, entry of the bundle. */
const UI_DIR = join(__dirname, "ui");

/** The files of the dashboard page. */
export interface DashboardAssets {
  /** The HTML shell: loads the style sheet and the script, nothing else. */
  html: string;
  /** The style sheet. */
  css: string;
  /** The bundled script; built on the first call, the same promise after. */
  js(): Promise<string>;
}

/** Options of {@link dashboardAssets}. */
export interface DashboardAssetOptions {
  /** Label of the badge next to the navigation. @default "dev server" */
  serverLabel?: string;
}

const cache = new Map<string, DashboardAssets>();

/**
 * The dashboard's HTML, CSS and JS. The script is bundled from `ui/main.ts` with esbuild when
 * first asked for, so `ferry dev` has no build step and a process that never opens the page
 * never builds it; the build then stays in memory for the life of the process. Concurrent first
 * requests share one build; a failed build is retried on the next request.
 */
export function dashboardAssets({ serverLabel = "dev server" }: DashboardAssetOptions = {}): DashboardAssets {
  const cached = cache.get(serverLabel);
  if (cached) return cached;
  const assets: DashboardAssets = { html: shell(serverLabel), css: readFileSync(join(UI_DIR, "styles.css"), "utf8"), js: bundleUi };
  cache.set(serverLabel, assets);
  return assets;
}

/** One build per process, shared by every label (the label lives in the HTML, not the script). */
let bundle: Promise<string> | undefined;

async function bundleUi(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(UI_DIR, "main.ts")],
    bundle: true,
    format: "iife",
    target: "es2022",
    platform: "browser",
    minify: true,
    write: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
  }).then((result) => {
    const [file] = result.outputFiles;
    if (!file) throw new Error("esbuild produced no dashboard bundle");
    return file.text;
  });
  try {
    return await bundle;
  } catch (error) {
    bundle = undefined;
    throw error;
  }
}

function shell(serverLabel: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="ferry-server" content="${escapeAttribute(serverLabel)}">
<title>Ferry</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard.css">
<script src="/dashboard.js" defer></script>
</head>
<body>
<noscript><p>The Ferry dashboard needs JavaScript. The REST API works without it: <a href="/v1/runs">/v1/runs</a>, <a href="/v1/events">/v1/events</a>, <a href="/v1/functions">/v1/functions</a>.</p></noscript>
</body>
</html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
