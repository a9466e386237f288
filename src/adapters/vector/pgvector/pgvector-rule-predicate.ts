/**
 * The rule half of `isAllowed` as SQL over bound parameters $2..$5 (user, groups, roles, readable levels), on the
 * rule columns of `documents` or of `chunks` (each chunk row holds a copy of its document's rule): the same
 * predicate as the row-level security policies, so that a forgotten WHERE clause changes nothing but speed.
 *
 * Group and role lists are tested with `?|` against a jsonb object built once per statement (an InitPlan):
 * binary search over the principal's keys for each of the row's few names. `&&` between text arrays compares
 * every pair, and with a principal in 500 groups that cost 10 µs a row, most of a search over many rows.
 */
export function namesPrincipal(alias: string): string {
  return `(${alias}.allow_everyone OR ${alias}.allow_users @> ARRAY[$2::text]
    OR ${setOf('$3::text[]')} ?| ${alias}.allow_groups OR ${setOf('$4::text[]')} ?| ${alias}.allow_roles)`;
}

export function withinClearance(alias: string): string {
  return `(${alias}.classification IS NULL OR ${alias}.classification = ANY ($5::text[]))`;
}

/**
 * A text array as a jsonb object whose keys are its elements, computed once per statement; NULL when the array
 * is empty or NULL, so that `?|` against it is NULL (not allowed).
 */
export function setOf(array: string): string {
  return `(SELECT jsonb_object_agg(name, true) FROM unnest(${array}) AS name)`;
}
