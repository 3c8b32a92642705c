import type { DeviceProtocol, Line } from '../core/device.js';
import { descriptionProblem, deviceNameProblem } from '../core/device.js';
import { loadIdProblem } from '../core/load.js';
import { directoryNumberProblem } from '../core/directory-number.js';
import type { FieldProblem } from '../core/node.js';
import { phoneModel, phoneModels } from '../core/phone-models.js';
import { lineSettingsProblem } from './line-input.js';

/** A phone added by hand (Device > Phone > Add New). */
export interface NewPhone {
  name: string;
  model: string;
  protocol: DeviceProtocol;
  description: string;
  lines: Line[];
  loadId: string | null;
  /** Do Not Disturb; off when left out. */
  dnd?: boolean;
  /** System > Device Pool; Default when left out. */
  devicePool?: string;
  /** System > Security > Phone Security Profile; Standard Non-Secure Profile when left out. */
  securityProfile?: string;
}

/** Fields of an existing phone that may change. Model and protocol are fixed once added. */
export interface PhoneChanges {
  description?: string;
  loadId?: string | null;
  lines?: Line[];
  model?: string;
  protocol?: DeviceProtocol;
  dnd?: boolean;
  devicePool?: string;
  securityProfile?: string;
}

function descriptionFieldProblem(description: string): FieldProblem | null {
  const problem = descriptionProblem(description);
  return problem ? { field: 'description', message: problem } : null;
}

function loadFieldProblem(loadId: string | null): FieldProblem | null {
  const problem = loadId === null ? null : loadIdProblem(loadId);
  return problem
    ? { field: 'loadId', message: `Phone Load Name: ${problem}; send null to use Device Defaults` }
    : null;
}

function linesProblem(lines: Line[], model: string): FieldProblem | null {
  const buttons = phoneModel(model)?.lineButtons ?? 1;
  const seen = new Set<number>();
  for (const [i, line] of lines.entries()) {
    if (!Number.isInteger(line.index) || line.index < 1 || line.index > buttons) {
      return {
        field: `lines.${i}.index`,
        message: `the ${model} has ${buttons} line button${buttons === 1 ? '' : 's'}: line ${line.index} does not exist (use 1–${buttons})`,
      };
    }
    if (seen.has(line.index))
      return { field: `lines.${i}.index`, message: `line ${line.index} is given twice` };
    seen.add(line.index);
    const dn = directoryNumberProblem(line.dn);
    if (dn) return { field: `lines.${i}.dn`, message: `line ${line.index}: ${dn}` };
    const settings = lineSettingsProblem(line, i);
    if (settings) return settings;
  }
  return null;
}

/** The first rule a new phone breaks, or null. */
export function newPhoneProblem(p: NewPhone): FieldProblem | null {
  const name = deviceNameProblem(p.name);
  if (name) return { field: 'name', message: name };
  const model = phoneModel(p.model);
  if (!model) {
    const known = phoneModels()
      .map((m) => m.model)
      .join(', ');
    return { field: 'model', message: `model "${p.model}" is not in the catalogue; known models: ${known}` };
  }
  if (!model.protocols.includes(p.protocol)) {
    return {
      field: 'protocol',
      message: `the ${model.displayName} runs ${model.protocols.join(' and ')} only, not ${p.protocol}`,
    };
  }
  return (
    descriptionFieldProblem(p.description) ?? loadFieldProblem(p.loadId) ?? linesProblem(p.lines, p.model)
  );
}

/** The first rule a change of an existing phone breaks, or null. */
export function phoneChangeProblem(
  current: { model: string; protocol: DeviceProtocol },
  c: PhoneChanges,
): FieldProblem | null {
  if (c.protocol !== undefined && c.protocol !== current.protocol) {
    return {
      field: 'protocol',
      message:
        `Device Protocol is fixed once a phone is added (${current.protocol}); migrate it with ` +
        'Bulk Administration > Migrate Phones > SCCP to SIP',
    };
  }
  if (c.model !== undefined && c.model !== current.model) {
    return {
      field: 'model',
      message: `the model of a phone is fixed (${current.model}); delete the phone and add it again as ${c.model}`,
    };
  }
  if (c.description !== undefined) {
    const p = descriptionFieldProblem(c.description);
    if (p) return p;
  }
  if (c.loadId !== undefined) {
    const p = loadFieldProblem(c.loadId);
    if (p) return p;
  }
  return c.lines ? linesProblem(c.lines, current.model) : null;
}
