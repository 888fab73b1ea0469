import { hashSigningKey } from "../../adapters/http/signing";
import { awsLocalFront } from "./aws-local-front";

const signingKey = `signkey-prod-${"cd".repeat(32)}`;
const keys = { signingKey, eventKey: "real-key", allowedHosts: [] };
const request = (path: string, headers: Record<string, string> = {}, method = "POST") => ({ method, path, headers: { host: "127.0.0.1:8288", ...headers } });

describe("the front of ferry aws-local", () => {
  it("in dev mode adds the signing key's bearer where a request has no hashed key, and takes any event key", () => {
    const front = awsLocalFront({ ...keys, devMode: true, anyEventKey: true });
    const injected = { authorization: `Bearer ${hashSigningKey(signingKey)}` };
    expect(front(request("/fn/register"))).toEqual({ headers: injected });
    // What the official SDK sends in dev mode.
    expect(front(request("/fn/register", { authorization: "Bearer undefined" }))).toEqual({ headers: injected });
    expect(front(request("/v1/runs", { authorization: "Bearer signkey-prod-0000" }, "GET"))).toEqual({});
    expect(front(request("/e/anything"))).toEqual({ path: "/e/real-key" });
  });

  it("with keys given changes nothing: the functions check them as on AWS", () => {
    const front = awsLocalFront({ ...keys, devMode: false, anyEventKey: false });
    expect(front(request("/fn/register"))).toEqual({});
    expect(front(request("/e/anything"))).toEqual({});
  });

  it("refuses cross-site requests and unknown Host names with 403, in either mode", () => {
    for (const devMode of [true, false]) {
      const front = awsLocalFront({ ...keys, devMode, anyEventKey: devMode });
      expect(() => front(request("/v1/runs", { origin: "http://evil.example" }))).toThrow(expect.objectContaining({ status: 403 }));
      expect(() => front(request("/v1/runs", { host: "evil.example" }))).toThrow(expect.objectContaining({ status: 403 }));
    }
  });
});
