/** `appSync` -> `AppSync`: construct ids from the engine's lower-camel names. */
export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
