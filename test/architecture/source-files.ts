import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Repository root. */
export const root = resolve(__dirname, "../..");

/** Every .ts/.cjs/.js file under a top-level folder, skipping dependencies and build output. */
export function sourceFiles(folder: string): string[] {
  const start = join(root, folder);
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry === "node_modules" || entry === "dist" || entry === "cdk.out") continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|cjs|mjs|js)$/.test(entry) && !entry.endsWith(".d.ts")) files.push(path);
    }
  };
  walk(start);
  return files;
}

/** A module specifier a file imports, with where it resolves when it is relative. */
export interface ImportRef {
  specifier: string;
  /** Repository-relative path of the target, for relative specifiers. */
  target?: string;
}

const importPattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** The imports of a file (static, dynamic and require). */
export function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, "utf8");
  const refs: ImportRef[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (!specifier) continue;
    const target = specifier.startsWith(".") ? relative(root, resolve(dirname(file), specifier)) : undefined;
    refs.push({ specifier, target });
  }
  return refs;
}

/** Repository-relative path. */
export function rel(file: string): string {
  return relative(root, file);
}
