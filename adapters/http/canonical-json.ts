import canonicalize from "canonicalize";

/**
 * The JSON Canonicalization Scheme form (RFC 8785: sorted keys, no whitespace, ECMAScript number
 * formatting) of a JSON text. Signatures over a body must survive a parse-and-reserialize by
 * the receiver; this is the form the official SDK re-serializes a parsed body to.
 */
export function canonicalJson(json: string): string {
  const text = canonicalize(JSON.parse(json) as unknown);
  if (text === undefined) throw new Error("a JSON body cannot be canonicalized to nothing");
  return text;
}
