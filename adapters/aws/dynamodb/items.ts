import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Key } from "./keys";

/** An item as the stores see it: every attribute is a string or a number (records are JSON in `body`). */
export type Item = Record<string, string | number>;

/** The record a stored item carries as JSON in `body`. */
export function bodyOf<T>(item: Item): T {
  return JSON.parse(String(item.body)) as T;
}

/** The identity of a key (or of an item, by its key attributes), for maps. */
export function keyId(key: Key): string {
  return JSON.stringify([key.pk, key.sk]);
}

/** The key attributes of an item (or of an index entry, which carries its item's key). */
export function keyOf(item: Item): Key {
  return { pk: String(item.pk), sk: String(item.sk) };
}

/** An item in DynamoDB's attribute-value form. */
export function encode(item: Item | Key): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, typeof value === "number" ? { N: String(value) } : { S: value }]));
}

/** An item back from DynamoDB's attribute-value form (strings and numbers are all the stores write). */
export function decode(attributes: Record<string, AttributeValue>): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value.S !== undefined) item[name] = value.S;
    else if (value.N !== undefined) item[name] = Number(value.N);
  }
  return item;
}
