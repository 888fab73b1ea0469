import { HttpError } from "./http-errors";

/**
 * Deepest nesting of arrays and objects a request body may have. `JSON.parse` itself copes with
 * any depth, but everything after it (validation, `JSON.stringify` into the store, CEL) recurses,
 * and 100,000 levels of `[` overflow the stack. Real events and registrations stay far below.
 */
export const MAX_JSON_DEPTH = 128;

/** Parses a JSON body or throws a 400 that says where it broke (or that it nests too deeply). */
export function parseJsonBody(body: string): unknown {
  if (body.trim() === "") throw new HttpError(400, "request body is empty; expected JSON");
  const depth = nestingExceeds(body, MAX_JSON_DEPTH);
  if (depth !== undefined) throw new HttpError(400, `request body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels (at character ${depth})`);
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Where the text first opens more than `max` arrays/objects at once, or undefined. One pass over
 * the characters, skipping string contents, before anything is parsed: the check itself cannot
 * recurse. Malformed text is left for `JSON.parse` to describe.
 */
export function nestingExceeds(text: string, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      if (++depth > max) return i;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) depth--;
  }
  return undefined;
}
