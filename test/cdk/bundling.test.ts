import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_FUNCTION_NAMES, ENGINE_FUNCTION_SPECS } from "../../lib/engine-function-specs";
import { synthFerry, type SynthesizedFerry } from "./support/synth-ferry";

/** The one suite that bundles for real: local esbuild, no Docker, the bundles Lambda will run. */
describe("Lambda bundling", () => {
  let ferry: SynthesizedFerry;
  let bundles: Array<{ dir: string; code: string; sources: string[] }>;
  beforeAll(() => {
    ferry = synthFerry({ bundle: true });
    const outdir = ferry.app.outdir;
    bundles = readdirSync(outdir)
      .filter((entry) => entry.startsWith("asset."))
      .map((entry) => {
        const dir = join(outdir, entry);
        const map = JSON.parse(readFileSync(join(dir, "index.js.map"), "utf8")) as { sources: string[] };
        return { dir, code: readFileSync(join(dir, "index.js"), "utf8"), sources: map.sources };
      });
  }, 120_000);

  it("bundles one asset per engine function, each with its source map", () => {
    expect(bundles).toHaveLength(ENGINE_FUNCTION_NAMES.length);
    for (const name of ENGINE_FUNCTION_NAMES) {
      const entry = `lambdas/${ENGINE_FUNCTION_SPECS[name].entryFile}`;
      expect(bundles.filter((b) => b.sources.some((s) => s.endsWith(entry)))).toHaveLength(1);
    }
    for (const bundle of bundles) expect(existsSync(join(bundle.dir, "index.js.map"))).toBe(true);
  });

  it("emits minified CommonJS that leaves the AWS SDK v3 to the runtime", () => {
    for (const bundle of bundles) {
      expect(bundle.code).toMatch(/module\.exports|exports\.handler/);
      expect(bundle.code).not.toMatch(/^import |^export /m);
      // Minified: long lines (a readable bundle averages under 100 characters a line).
      expect(bundle.code.length / bundle.code.split("\n").length).toBeGreaterThan(1000);
      expect(bundle.sources.filter((s) => s.includes("node_modules/@aws-sdk/"))).toEqual([]);
    }
  });
});
