import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

/** One resource of a synthesized template. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

/** A stack as `cdk synth` wrote it: its template and where its bundled assets are. */
export interface SynthesizedStack {
  stackName: string;
  directory: string;
  resources: Record<string, TemplateResource>;
  outputs: Record<string, { Value: unknown }>;
  /** The directory of a resource's bundled code (its `aws:asset:path`). */
  assetDirectory(logicalId: string): string;
}

const repoRoot = resolve(__dirname, "../..");

/**
 * Runs `npx cdk synth` from the repository exactly as a user would (the CLI, `cdk.json`, the
 * `bin/` entry, local esbuild bundling, no AWS credentials) into `outdir`, and reads the stack.
 */
export async function synthesize(outdir: string, stage: string): Promise<SynthesizedStack> {
  const env = { ...process.env };
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION"]) delete env[name];
  // No notices or telemetry: CI has no internet, and synth must not wait on it.
  await promisify(execFile)("npx", ["cdk", "synth", "--quiet", "--no-notices", "--output", outdir, "--context", `stage=${stage}`], { cwd: repoRoot, env: { ...env, CDK_DISABLE_CLI_TELEMETRY: "true" }, maxBuffer: 64 * 1024 * 1024 });
  return readStack(outdir, `Ferry-${stage}`);
}

/**
 * Reads the one Ferry stack (`Ferry-<stage>`) of a cloud assembly directory that `cdk synth -o`
 * wrote; throws naming the directory when it holds none, or several (then say which to use by
 * synthesizing one stage into a directory of its own).
 */
export function readFerryStack(directory: string): SynthesizedStack {
  let names: string[];
  try {
    names = readdirSync(directory).filter((file) => /^Ferry-[a-z0-9-]+\.template\.json$/.test(file));
  } catch (error) {
    throw new Error(`cannot read the cloud assembly ${directory}: ${(error as Error).message}`);
  }
  if (names.length !== 1) {
    const found = names.length === 0 ? "no Ferry-<stage>.template.json" : `${names.length} Ferry stacks (${names.join(", ")})`;
    throw new Error(`${directory} holds ${found}: synthesize one stage into it with npx cdk synth -o ${directory} -c stage=<stage>`);
  }
  return readStack(directory, (names[0] as string).replace(/\.template\.json$/, ""));
}

/** Reads a stack of a cloud assembly directory. */
export function readStack(directory: string, stackName: string): SynthesizedStack {
  const template = JSON.parse(readFileSync(join(directory, `${stackName}.template.json`), "utf8")) as {
    Resources: Record<string, TemplateResource>;
    Outputs?: Record<string, { Value: unknown }>;
  };
  return {
    stackName,
    directory,
    resources: template.Resources,
    outputs: template.Outputs ?? {},
    assetDirectory: (logicalId) => {
      const path = template.Resources[logicalId]?.Metadata?.["aws:asset:path"];
      if (typeof path !== "string") throw new Error(`${logicalId} has no bundled asset in ${stackName}`);
      return join(directory, path);
    },
  };
}

/** The logical ids of a stack's resources of one type. */
export function resourcesOfType(stack: SynthesizedStack, type: string): string[] {
  return Object.entries(stack.resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
}
