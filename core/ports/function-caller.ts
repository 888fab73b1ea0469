/** One HTTP call to a user's serve endpoint, as the executor sees it. */
export interface FunctionCallRequest {
  url: string;
  /** JSON body, already serialized (signing covers these exact bytes). */
  body: string;
  headers: Record<string, string>;
}

/** The endpoint's answer; header names are lower-cased. */
export interface FunctionCallResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Calls user endpoints (signing requests when a key is configured). Throws on transport failure. */
export interface FunctionCaller {
  call(request: FunctionCallRequest): Promise<FunctionCallResponse>;
}
