import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { spreadsheetCell, spreadsheetCsv, textOfSpreadsheetCell } from './spreadsheet-csv.js';

describe('CSV cells for spreadsheets (OWASP CSV injection)', () => {
  it('writes a cell a spreadsheet would run as a formula with a leading apostrophe', () => {
    for (const formula of [
      '=HYPERLINK("http://x","click")',
      '+1 555 0100',
      '-5 dB',
      '@SUM(A1)',
      '\tx',
      '\rx',
    ])
      expect(spreadsheetCell(formula)).toBe(`'${formula}`);
    for (const plain of ['Lobby', '', "O'Brien", "'quoted'", '1000', 'a=b'])
      expect(spreadsheetCell(plain)).toBe(plain);
  });

  it('gives back every text as it was, apostrophes included', () => {
    const texts = ['=1+1', "'=1+1", "''=1+1", "'", "''", "'x", "'-", '-', '@', "O'Brien", 'plain', ''];
    for (const text of texts) expect(textOfSpreadsheetCell(spreadsheetCell(text)), text).toBe(text);
  });

  it('keeps a hand-written leading apostrophe that escapes nothing', () => {
    expect(textOfSpreadsheetCell("'quoted'")).toBe("'quoted'");
  });

  it('quotes escaped cells in the file, and a CSV parser reads them back', () => {
    const csv = spreadsheetCsv([
      ['Device Name', 'Description'],
      ['SEP001122334455', '=cmd|"/C calc"!A0'],
    ]);
    expect(csv).toBe('Device Name,Description\nSEP001122334455,"\'=cmd|""/C calc""!A0"\n');
    const [, row] = parse(csv) as string[][];
    expect(textOfSpreadsheetCell(row[1])).toBe('=cmd|"/C calc"!A0');
  });
});
