/**
 * The values of an `IN (…)` list, padded with the last one to the next power of two: lookups of
 * any count then use a handful of SQL texts, whose prepared statements the SQLite driver keeps,
 * instead of one text per count. Repeating a value in IN changes nothing.
 */
export function paddedInList<T>(values: readonly T[]): T[] {
  if (values.length === 0) return [];
  let size = 1;
  while (size < values.length) size *= 2;
  const padded = [...values];
  const last = values[values.length - 1];
  while (padded.length < size) padded.push(last);
  return padded;
}
