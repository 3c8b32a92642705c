import type { CdrQuery } from '../store/cdr-repository.js';
import { CDR_FIELDS } from '../store/cdr-repository.js';
import type { Store } from '../store/store.js';
import { spreadsheetCsv } from './spreadsheet-csv.js';

const PAGE = 1000;

/** The call detail records that match `filter`, newest first, as CSV with CUCM's field names as headers. */
export async function* cdrCsv(
  store: Store,
  filter: Omit<CdrQuery, 'limit' | 'beforeId'>,
): AsyncGenerator<string> {
  yield spreadsheetCsv([CDR_FIELDS]);
  let beforeId: number | undefined;
  for (;;) {
    const page = await store.cdrs.list({ ...filter, beforeId, limit: PAGE });
    if (page.length === 0) return;
    yield spreadsheetCsv(page.map((record) => CDR_FIELDS.map((field) => record[field])));
    if (page.length < PAGE) return;
    beforeId = page[page.length - 1].id;
  }
}
