/** The body of `POST /api/principals/sync`, as `slipway principals sync` sends it. */
export type SyncFileRequest = ({ users: unknown[] } | { csv: string }) & { prune: boolean; dryRun: boolean };

/**
 * Reads an uploaded sync file the way the CLI does: a `.csv` name means CSV text (checked by the server, line by
 * line), anything else must be JSON holding a list of entries or `{ "users": [...] }`. Returns why not otherwise.
 * @example safeParseSyncFile('people.csv', 'id\nu-1\n', { prune: false, dryRun: true }) // { success: true, request: { csv: 'id\nu-1\n', … } }
 */
export function safeParseSyncFile(
  fileName: string,
  text: string,
  options: { prune: boolean; dryRun: boolean },
): { success: true; request: SyncFileRequest } | { success: false; message: string } {
  if (fileName.toLowerCase().endsWith('.csv')) return { success: true, request: { csv: text, ...options } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { success: false, message: `${fileName} is neither CSV (by its .csv name) nor valid JSON.` };
  }
  const users = Array.isArray(parsed) ? parsed : (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) {
    return {
      success: false,
      message: `${fileName}: expected a JSON list of end users, or { "users": [...] }.`,
    };
  }
  return { success: true, request: { users: users as unknown[], ...options } };
}
