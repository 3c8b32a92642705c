import type { Line } from '../core/device.js';
import { DEFAULT_LINE_APPEARANCE } from '../core/line-settings.js';
export { completeLines } from '../core/complete-lines.js';
import { dnFeaturesProblem, lineAppearanceProblem, lineTextsProblem } from '../core/line-settings-rules.js';
import type { FieldProblem } from '../core/node.js';

/** The first rule the settings of `line` (the i-th given) break, or null. Missing settings are not checked. */
export function lineSettingsProblem(line: Line, i: number): FieldProblem | null {
  const prefix = `lines.${i}.`;
  const withLine = (p: FieldProblem | null) =>
    p ? { field: p.field, message: `line ${line.index}: ${p.message}` } : null;
  const appearance =
    line.maxCalls === undefined && line.busyTrigger === undefined
      ? null
      : lineAppearanceProblem(
          {
            maxCalls: line.maxCalls ?? DEFAULT_LINE_APPEARANCE.maxCalls,
            busyTrigger:
              line.busyTrigger ?? Math.min(DEFAULT_LINE_APPEARANCE.busyTrigger, line.maxCalls ?? 2),
          },
          prefix,
        );
  return withLine(lineTextsProblem(line, prefix) ?? appearance ?? dnFeaturesProblem(line.dn, line, prefix));
}
