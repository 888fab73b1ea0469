/** Errors raised while building the Ferry CDK constructs (synth time, never at run time). */

/**
 * A construct prop Ferry refuses. Thrown from a constructor, so `cdk synth` stops at the
 * offending line with the prop's name and the accepted range, before anything is deployed.
 */
export class FerryConfigError extends Error {
  /** The prop that is wrong, e.g. `executorConcurrency`. */
  readonly prop: string;
  constructor(prop: string, message: string, options?: { cause?: unknown }) {
    super(`Ferry: invalid ${prop}: ${message}`, options);
    this.name = "FerryConfigError";
    this.prop = prop;
  }
}
