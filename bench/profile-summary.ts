/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): top functions and files by self time.
 *
 * @example
 * node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run.ts --runs 50 --throughput-runs 500
 * npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [top=25]
 */
import { readFileSync } from "node:fs";

/** The parts of a V8 CPU profile this script reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function shortUrl(url: string): string {
  const cut = url.replace(/^file:\/\//, "").replace(/^.*\/work\/main\//, "");
  return cut.replace(/^.*node_modules\//, "node_modules/") || "(native)";
}

function top(map: Map<string, number>, n: number, totalUs: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${k}`);
}

function summarize(path: string, n: number): void {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = shortUrl(frame.url);
    const key = `${frame.functionName || "(anonymous)"}  ${file}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  console.log(`\n== ${path}: ${(totalUs / 1000).toFixed(0)} ms profiled, ${profile.samples.length} samples`);
  console.log("-- top functions by self time");
  console.log(top(fns, n, totalUs).join("\n"));
  console.log("-- top files by self time");
  console.log(top(files, n, totalUs).join("\n"));
}

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 25);
for (const path of args.filter((a) => !/^\d+$/.test(a))) summarize(path, n);
