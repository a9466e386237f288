/**
 * Freezes a tree of plain objects and arrays in place and returns it. Configuration is frozen on entry so that
 * no module can change a setting another module has already acted on.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
