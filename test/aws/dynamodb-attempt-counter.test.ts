import { createDynamoDbStores } from "../../adapters/aws/dynamodb/dynamodb-stores";
import { startDynalite, type DynaliteBed } from "../../aws-local/dynalite-bed";

let dynamo: DynaliteBed;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

describe("failed-attempt counter on DynamoDB", () => {
  it("counts failures per message atomically, including concurrent ones, from 1", async () => {
    const { attempts } = createDynamoDbStores({ client: dynamo.client, table: await dynamo.createTable(), now: () => 0 });
    expect(await attempts.countFailure("m-1")).toBe(1);
    const counted = await Promise.all(Array.from({ length: 5 }, () => attempts.countFailure("m-1")));
    expect([...counted].sort()).toEqual([2, 3, 4, 5, 6]);
    expect(await attempts.countFailure("m-2")).toBe(1);
  });
});
