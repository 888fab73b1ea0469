import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFerryStack } from "./cloud-assembly";

describe("reading the Ferry stack of a cloud assembly (ferry aws-local --assembly)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ferry-assembly-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const template = (name: string) => writeFileSync(join(dir, `${name}.template.json`), JSON.stringify({ Resources: { Table: { Type: "AWS::DynamoDB::Table" } } }));

  it("finds the one Ferry-<stage> template, whatever the stage", () => {
    template("Ferry-prod");
    template("SomethingElse");
    expect(readFerryStack(dir)).toMatchObject({ stackName: "Ferry-prod", directory: dir, resources: { Table: { Type: "AWS::DynamoDB::Table" } } });
  });

  it("says what is wrong with a directory holding none, several, or that does not exist", () => {
    expect(() => readFerryStack(dir)).toThrow(/holds no Ferry-<stage>.template.json: synthesize one stage into it/);
    template("Ferry-prod");
    template("Ferry-dev");
    expect(() => readFerryStack(dir)).toThrow(/holds 2 Ferry stacks \(Ferry-(dev|prod)\.template\.json, Ferry-(dev|prod)\.template\.json\)/);
    expect(() => readFerryStack(join(dir, "missing"))).toThrow(/cannot read the cloud assembly .*missing/);
  });
});
