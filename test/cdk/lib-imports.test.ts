import { importsOf, rel, sourceFiles } from "../architecture/source-files";

/**
 * lib/ and bin/ build the CDK app and nothing else: they may use only the CDK, constructs,
 * cdk-nag and Node built-ins, and reach Lambda code by entry path, never by import (so no engine
 * or SDK code is loaded at synth). Stricter than the layout rules, which list forbidden packages.
 */
const ALLOWED_PACKAGES = /^(aws-cdk-lib(\/.*)?|constructs|cdk-nag|node:[a-z_/]+)$/;

describe("lib/ and bin/ imports", () => {
  it.each(["lib", "bin"])("%s/ imports only aws-cdk-lib, constructs, cdk-nag, node: built-ins and lib/", (folder) => {
    const files = sourceFiles(folder);
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap((file) =>
      importsOf(file)
        .filter((ref) => (ref.target === undefined ? !ALLOWED_PACKAGES.test(ref.specifier) : !ref.target.startsWith("lib/")))
        .map((ref) => `${rel(file)} -> ${ref.specifier}`),
    );
    expect(violations).toEqual([]);
  });
});
