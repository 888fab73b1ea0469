/**
 * A deep copy of a stored record. Records are JSON data (they travel to SQLite and DynamoDB as
 * JSON), so a JSON round trip is exact, and unlike `structuredClone` it yields plain objects of
 * the calling realm: the CEL library rejects objects from another realm as "Unsupported type",
 * which is what `structuredClone` produces inside jest's VM context.
 */
export function cloneRecord<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
