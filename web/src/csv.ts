import { CSV_HEADERS, CsvSyntaxError, parseCsvChunks } from '@wholesale-provisioning/sdk';
import type { UserDraft, UserColumn } from './screens/users-table';

const normalize = (header: string) => header.toLowerCase().replace(/[\s_-]/g, '');

const HEADER_TO_COLUMN = new Map<string, UserColumn>();
for (const [column, names] of Object.entries(CSV_HEADERS) as Array<[UserColumn, string[]]>) {
  for (const name of names) HEADER_TO_COLUMN.set(normalize(name), column);
}

export interface CsvReadResult { users: UserDraft[]; problem: string | null }

/** Slices of the text, so parsing interleaves with the pauses below instead of running in one go. */
function* slices(text: string, size = 64 * 1024): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/**
 * Reads a users CSV (the SDK's parser and headers, as the CLI's import-users) into table rows. It
 * pauses every few hundred rows so the page repaints the progress bar and stays responsive at
 * 10,000 rows.
 */
export async function readUsersCsv(text: string, onProgress: (read: number, total: number) => void, defaultPackage: string): Promise<CsvReadResult> {
  const total = Math.max(1, text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').length - 1);
  const users: UserDraft[] = [];
  let columns: Array<UserColumn | null> | null = null;
  try {
    for await (const record of parseCsvChunks(slices(text))) {
      if (!columns) {
        columns = record.fields.map((h) => HEADER_TO_COLUMN.get(normalize(h)) ?? null);
        const missing = (['firstName', 'lastName', 'email'] as UserColumn[]).filter((c) => !columns!.includes(c));
        if (missing.length) {
          return { users: [], problem: `The first line must name the columns. Missing: ${missing.map((c) => CSV_HEADERS[c][2] ?? c).join(', ')}. Accepted headers: First Name, Last Name, Email, Package, Location, Phone, Extension.` };
        }
        continue;
      }
      const user: UserDraft = { firstName: '', lastName: '', email: '', package: defaultPackage, locationName: '', phoneNumber: '', extension: '', line: record.line };
      columns.forEach((column, i) => {
        const value = record.fields[i]?.trim() ?? '';
        if (column && (value || column !== 'package')) user[column] = value;
      });
      users.push(user);
      if (users.length % 500 === 0) {
        onProgress(users.length, total);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { users: [], problem: `Line ${error.line} is not valid CSV: ${error.message}` };
    throw error;
  }
  onProgress(users.length, Math.max(total, users.length));
  if (!columns) return { users: [], problem: 'The file is empty.' };
  return { users, problem: null };
}
