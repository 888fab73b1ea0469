import { readFileSync } from "node:fs";
import { importsOf, rel, sourceFiles } from "./source-files";

/**
 * The layout rules of DESIGN.md, checked on every test run so they cannot rot. Each rule names
 * the folder, the folders it may reach by relative import, and package names it must not use.
 */
interface Rule {
  folder: string;
  mayImport: string[];
  forbiddenPackages: RegExp;
  /** Folders inside `folder` that a rule of their own governs instead. */
  except?: string[];
}

const rules: Rule[] = [
  { folder: "core", mayImport: ["core"], forbiddenPackages: /^(node:|@aws-sdk\/|aws-cdk-lib|constructs|fs$|path$|http$|https$|crypto$|child_process$|better-sqlite3)/ },
  { folder: "sdk", mayImport: ["sdk"], forbiddenPackages: /^(@aws-sdk\/|aws-cdk-lib|constructs|better-sqlite3)/ },
  { folder: "adapters/common", mayImport: ["core", "adapters/common"], forbiddenPackages: /^(@aws-sdk\/|aws-cdk-lib|better-sqlite3)/ },
  { folder: "adapters/local", mayImport: ["core", "adapters/common", "adapters/local", "adapters/contract"], forbiddenPackages: /^(@aws-sdk\/|aws-cdk-lib)/ },
  { folder: "adapters/http", mayImport: ["core", "adapters/http"], forbiddenPackages: /^(@aws-sdk\/|aws-cdk-lib|better-sqlite3)/ },
  { folder: "adapters/aws", mayImport: ["core", "adapters/common", "adapters/aws", "adapters/http", "adapters/contract"], forbiddenPackages: /^(aws-cdk-lib|better-sqlite3)/ },
  { folder: "lambdas", mayImport: ["core", "adapters/common", "adapters/aws", "adapters/http", "lambdas"], forbiddenPackages: /^(aws-cdk-lib|better-sqlite3)/ },
  { folder: "dev", mayImport: ["core", "adapters/local", "adapters/http", "dev"], forbiddenPackages: /^(@aws-sdk\/|aws-cdk-lib)/, except: ["dev/cli"] },
  // The `ferry` launcher only hands its arguments on: to dev/ or to `ferry aws-local`.
  { folder: "dev/cli", mayImport: ["dev", "aws-local/cli"], forbiddenPackages: /^(@aws-sdk\/|aws-cdk-lib)/ },
  // Browser code, bundled for the page: nothing of the engine or of Node, and no packages at all.
  { folder: "dev/dashboard/ui", mayImport: ["dev/dashboard/ui"], forbiddenPackages: /./ },
  // CDK code refers to lambdas/ by entry path only, never by import: no engine code reaches synth.
  { folder: "lib", mayImport: ["lib"], forbiddenPackages: /^(@aws-sdk\/|better-sqlite3|@aws-lambda-powertools\/)/ },
  { folder: "bin", mayImport: ["lib", "bin"], forbiddenPackages: /^(@aws-sdk\/|better-sqlite3|@aws-lambda-powertools\/)/ },
  // `ferry aws-local`: the offline AWS servers and emulators and the synthesized stack standing on
  // them. It runs the Lambda bundles `cdk synth` writes (by path, never by import), so it reaches
  // the engine only through the AWS adapters' client settings and wire shapes.
  // It starts the example app as `ferry dev --example` does, and `ferry dashboard` on itself.
  { folder: "aws-local", mayImport: ["core", "adapters/aws", "adapters/http", "aws-local", "dev/example-process", "dev/dashboard-proxy"], forbiddenPackages: /^(aws-cdk-lib|better-sqlite3)/ },
];

const inside = (target: string, folder: string) => target === folder || target.startsWith(`${folder}/`);

describe("import rules (DESIGN.md layout)", () => {
  for (const rule of rules) {
    it(`${rule.folder}/ imports only ${rule.mayImport.join(", ")}`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(rule.folder).filter((each) => !(rule.except ?? []).some((folder) => inside(rel(each), folder)))) {
        for (const ref of importsOf(file)) {
          if (ref.target !== undefined) {
            if (!rule.mayImport.some((folder) => inside(ref.target as string, folder))) violations.push(`${rel(file)} -> ${ref.specifier}`);
          } else if (rule.forbiddenPackages.test(ref.specifier)) {
            violations.push(`${rel(file)} -> ${ref.specifier}`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it("core reads no clock, randomness or environment directly (they come through ports)", () => {
    const violations = sourceFiles("core")
      .filter((file) => !file.endsWith(".test.ts"))
      .flatMap((file) => {
        const text = readFileSync(file, "utf8");
        return [/Date\.now\(/, /Math\.random\(/, /process\.env/, /new Date\(\)/, /setTimeout\(/].filter((p) => p.test(text)).map((p) => `${rel(file)}: ${p.source}`);
      });
    expect(violations).toEqual([]);
  });

  it("nothing outside lib/, bin/ and test/ imports the CDK constructs in lib/", () => {
    const folders = ["core", "sdk", "adapters", "lambdas", "dev", "aws-local", "examples", "bench"];
    const violations = folders.flatMap((folder) =>
      sourceFiles(folder).flatMap((file) => importsOf(file).filter((ref) => ref.target && inside(ref.target, "lib")).map((ref) => `${rel(file)} -> ${ref.specifier}`)),
    );
    expect(violations).toEqual([]);
  });

  it("the SDK package declares no engine or AWS dependency", () => {
    const pkg = JSON.parse(readFileSync(`${__dirname}/../../sdk/package.json`, "utf8")) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {}).filter((name) => /^(@aws-sdk|aws-cdk-lib|constructs|better-sqlite3|ferry$)/.test(name))).toEqual([]);
  });

  it("the checker itself sees imports (guards against a regex that matches nothing)", () => {
    const refs = sourceFiles("core").flatMap((file) => importsOf(file));
    expect(refs.some((ref) => ref.specifier === "@marcbachmann/cel-js")).toBe(true);
    expect(refs.filter((ref) => ref.target?.startsWith("core/")).length).toBeGreaterThan(20);
  });
});
