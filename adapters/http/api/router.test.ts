import { HttpError } from "./http-errors";
import { Router } from "./router";

describe("Router", () => {
  const router = new Router().add("GET", "/v1/runs/:id", () => ({ json: {} })).add("POST", "/v1/runs/:id/cancel", () => ({ json: {} }));

  it("decodes percent-encoded parameters", () => {
    expect(router.match("GET", "/v1/runs/a%2Fb%20c")).toMatchObject({ params: { id: "a/b c" } });
  });

  it("tells a wrong method from an unknown path", () => {
    expect(router.match("DELETE", "/v1/runs/x")).toEqual({ pathExists: true });
    expect(router.match("GET", "/v2/nothing")).toEqual({ pathExists: false });
  });

  it.each(["/v1/runs/%E0%A4%A", "/v1/runs/%", "/v1/runs/%ZZ", "/v1/runs/%C0%80/cancel"])("answers 400, not a URIError, to %s", (path) => {
    const method = path.endsWith("/cancel") ? "POST" : "GET";
    expect(() => router.match(method, path)).toThrow(HttpError);
    expect(() => router.match(method, path)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/is not valid percent-encoding/) }));
  });
});
