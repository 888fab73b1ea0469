import { createHash, createHmac } from "node:crypto";
import { functionUrlSigner, lambdaEnvCredentials } from "./sigv4-signer";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const at = Date.UTC(2024, 0, 2, 3, 4, 5);
const host = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-2.on.aws";
const body = JSON.stringify({ url: `https://${host}/api/inngest` });
const request = {
  method: "PUT",
  url: `https://${host}/api/inngest?fnId=a%20b&step=1`,
  headers: { "content-type": "application/json", "content-length": String(body.length), "user-agent": "ferry/0.1.0", "x-inngest-signature": "t=1&s=00" },
  body,
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();

/** SigV4 by the spec, written apart from the library: canonical request, string to sign, derived key. */
function signatureBySpec(input: { canonicalRequest: string; longDate: string; region: string; service: string; secret: string }): string {
  const scope = `${input.longDate.slice(0, 8)}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", input.longDate, scope, sha256(input.canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secret}`, input.longDate.slice(0, 8)), input.region), input.service), "aws4_request");
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}

describe("signatureBySpec (the test's own SigV4)", () => {
  it("reproduces AWS's published get-vanilla test vector, so it can judge the signer", () => {
    const canonicalRequest = ["GET", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", sha256("")].join("\n");
    expect(signatureBySpec({ canonicalRequest, longDate: "20150830T123600Z", region: "us-east-1", service: "service", secret: credentials.secretAccessKey })).toBe(
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });
});

describe("functionUrlSigner", () => {
  it("signs a function URL request exactly as the SigV4 spec says, covering the body", async () => {
    const headers = await functionUrlSigner({ credentials, region: "us-east-1", now: () => at })(request);

    const payloadHash = sha256(body);
    const canonicalRequest = [
      "PUT",
      "/api/inngest",
      "fnId=a%20b&step=1",
      "content-type:application/json",
      `host:${host}`,
      `x-amz-content-sha256:${payloadHash}`,
      "x-amz-date:20240102T030405Z",
      "",
      "content-type;host;x-amz-content-sha256;x-amz-date",
      payloadHash,
    ].join("\n");
    const signature = signatureBySpec({ canonicalRequest, longDate: "20240102T030405Z", region: "eu-west-2", service: "lambda", secret: credentials.secretAccessKey });
    expect(headers).toEqual({
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/eu-west-2/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=${signature}`,
      "x-amz-date": "20240102T030405Z",
      "x-amz-content-sha256": payloadHash,
    });
  });

  it("a different body gives a different signature (the payload is covered)", async () => {
    const sign = functionUrlSigner({ credentials, now: () => at });
    const first = await sign(request);
    const second = await sign({ ...request, body: `${body} ` });
    expect(second.authorization).not.toBe(first.authorization);
  });

  it("adds and signs x-amz-security-token for temporary credentials", async () => {
    const headers = await functionUrlSigner({ credentials: async () => ({ ...credentials, sessionToken: "token-123" }), now: () => at })(request);
    expect(headers["x-amz-security-token"]).toBe("token-123");
    expect(headers.authorization).toContain("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,");
  });

  it("takes the region from the host, whatever region the engine runs in", async () => {
    const headers = await functionUrlSigner({ credentials, region: "eu-west-1", now: () => at })({ ...request, url: "https://abc123.lambda-url.ap-southeast-2.on.aws/" });
    expect(headers.authorization).toContain("/20240102/ap-southeast-2/lambda/aws4_request");
  });

  it("leaves other hosts alone", async () => {
    const sign = functionUrlSigner({ credentials, now: () => at });
    for (const url of ["https://app.example.com/api/inngest", "https://abc.lambda-url.eu-west-2.on.aws.evil.com/", "https://abc.execute-api.eu-west-2.amazonaws.com/", "https://lambda-url.eu-west-2.on.aws/"]) {
      expect(await sign({ ...request, url })).toEqual({});
    }
  });

  it("leaves http:// URLs alone, even to a function URL host", async () => {
    expect(await functionUrlSigner({ credentials, now: () => at })({ ...request, url: `http://${host}/api/inngest` })).toEqual({});
  });
});

describe("lambdaEnvCredentials", () => {
  it("reads the role's variables, with the session token when set", async () => {
    await expect(lambdaEnvCredentials({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s", AWS_SESSION_TOKEN: "t" })()).resolves.toEqual({ accessKeyId: "a", secretAccessKey: "s", sessionToken: "t" });
    await expect(lambdaEnvCredentials({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s" })()).resolves.toEqual({ accessKeyId: "a", secretAccessKey: "s" });
  });

  it("rejects naming the missing variable", async () => {
    await expect(lambdaEnvCredentials({ AWS_ACCESS_KEY_ID: "a" })()).rejects.toThrow("AWS_SECRET_ACCESS_KEY");
  });
});
