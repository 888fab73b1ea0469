import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { apiRequestOf, httpApiResult } from "./http-api-event";

const event = (overrides: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 =>
  ({
    version: "2.0",
    routeKey: "POST /e/{eventKey}",
    rawPath: "/e/abc",
    rawQueryString: "a=1&b=2",
    headers: { "content-type": "application/json", "x-inngest-event-id-seed": "1,2" },
    requestContext: { http: { method: "POST", path: "/e/abc", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "t" } },
    isBase64Encoded: false,
    ...overrides,
  }) as APIGatewayProxyEventV2;

describe("the HTTP API event, as the engine API reads it", () => {
  it("keeps method, path, query and headers, and the body text as sent", () => {
    const request = apiRequestOf(event({ body: '{"name":"a"}' }));
    expect(request).toMatchObject({ method: "POST", path: "/e/abc", body: '{"name":"a"}', headers: { "x-inngest-event-id-seed": "1,2" } });
    expect(request.query.get("b")).toBe("2");
  });

  it("decodes a base64 body (API Gateway encodes what is not text) to the exact bytes, so a signature still matches", () => {
    const text = '{"name":"é ✓"}';
    expect(apiRequestOf(event({ body: Buffer.from(text).toString("base64"), isBase64Encoded: true })).body).toBe(text);
  });

  it("reads a request without a body as an empty one", () => {
    expect(apiRequestOf(event({ body: undefined })).body).toBe("");
  });

  it("answers JSON with nosniff by default, text with its own content type", () => {
    expect(httpApiResult({ status: 401, json: { error: "no", status: 401 } })).toEqual({
      statusCode: 401,
      headers: { "content-type": "application/json", "x-content-type-options": "nosniff" },
      body: '{"error":"no","status":401}',
      isBase64Encoded: false,
    });
    expect(httpApiResult({ text: "<p>", contentType: "text/html" })).toMatchObject({ statusCode: 200, headers: { "content-type": "text/html" }, body: "<p>" });
  });
});
