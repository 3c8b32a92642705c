import { stringify } from 'csv-stringify/sync';

/**
 * OWASP CSV injection: a cell starting with = + - @, tab or carriage return is a formula to a
 * spreadsheet. Such a cell is written with a leading apostrophe, which spreadsheets show as text.
 * A cell that starts with apostrophes followed by one of those gets one more apostrophe, so that
 * reading drops exactly the one writing added: every text comes back as it was.
 */
const NEEDS_APOSTROPHE = /^'*[=+\-@\t\r]/;

/** The cell as written to a CSV file meant for spreadsheets. */
export function spreadsheetCell(text: string): string {
  return NEEDS_APOSTROPHE.test(text) ? `'${text}` : text;
}

/** The text of a cell written by `spreadsheetCell` (or by hand: other cells are left as they are). */
export function textOfSpreadsheetCell(cell: string): string {
  return cell.startsWith("'") && NEEDS_APOSTROPHE.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** CSV text of `rows`, every cell escaped for spreadsheets (and escaped cells quoted, as OWASP advises). */
export function spreadsheetCsv(rows: readonly (readonly (string | number)[])[]): string {
  return stringify(
    rows.map((row) => row.map((cell) => (typeof cell === 'string' ? spreadsheetCell(cell) : cell))),
    { quoted_match: /^'/ },
  );
}
