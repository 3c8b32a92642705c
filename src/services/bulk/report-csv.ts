import { spreadsheetCsv } from '../spreadsheet-csv.js';
import type { BulkJobItemRecord } from '../../store/bulk-job-repository.js';

const COLUMNS = [
  'Device Name',
  'Model',
  'Description',
  'Directory Numbers',
  'From Protocol',
  'To Protocol',
  'Intermediate Load',
  'Target Load',
  'Result',
  'Step',
  'Detail',
  'Started',
  'Finished',
];

/** The final report of a job, one row per phone (Bulk Administration's job log, as CSV). */
export function reportCsv(items: BulkJobItemRecord[]): string {
  const rows = items.map((i) => [
    i.deviceName,
    i.plan.model,
    i.plan.description,
    i.plan.lines.map((l) => l.dn).join(';'),
    i.plan.fromProtocol,
    i.plan.toProtocol,
    i.plan.intermediateLoadId ?? '',
    i.plan.targetLoadId ?? '',
    i.state,
    i.state === 'skipped' ? '' : i.step,
    i.reason ?? '',
    i.startedAt ?? '',
    i.finishedAt ?? '',
  ]);
  return spreadsheetCsv([COLUMNS, ...rows]);
}
