import { describe, expect, it } from 'vitest';
import { newPhoneProblem, phoneChangeProblem } from './phone-input.js';
import type { NewPhone } from './phone-input.js';

const phone: NewPhone = {
  name: 'SEP00AABBCCDD01',
  model: '7940',
  protocol: 'SCCP',
  description: 'Lobby',
  lines: [{ index: 1, dn: '2001' }],
  loadId: null,
};

describe('phone added by hand', () => {
  it('accepts a valid phone, including a DN with a leading zero (DNs are never rewritten)', () => {
    expect(newPhoneProblem(phone)).toBeNull();
    expect(newPhoneProblem({ ...phone, lines: [{ index: 1, dn: '0100' }] })).toBeNull();
  });

  it('refuses a lower-case MAC with the corrected name, rather than fixing it', () => {
    expect(newPhoneProblem({ ...phone, name: 'SEP00aabbccdd01' })).toEqual({
      field: 'name',
      message: 'device name "SEP00aabbccdd01" must use upper-case hex digits (SEP00AABBCCDD01)',
    });
  });

  it('refuses unknown models and protocols the model does not run', () => {
    expect(newPhoneProblem({ ...phone, model: '9999' })?.field).toBe('model');
    expect(newPhoneProblem({ ...phone, model: '7910', protocol: 'SIP' })).toEqual({
      field: 'protocol',
      message: 'the Cisco 7910 runs SCCP only, not SIP',
    });
  });

  it('checks line buttons, duplicate lines and DN syntax, naming the line', () => {
    expect(newPhoneProblem({ ...phone, lines: [{ index: 3, dn: '2001' }] })).toEqual({
      field: 'lines.0.index',
      message: 'the 7940 has 2 line buttons: line 3 does not exist (use 1–2)',
    });
    expect(
      newPhoneProblem({
        ...phone,
        lines: [
          { index: 1, dn: '1' },
          { index: 1, dn: '2' },
        ],
      })?.message,
    ).toBe('line 1 is given twice');
    expect(newPhoneProblem({ ...phone, lines: [{ index: 1, dn: '20a1' }] })?.field).toBe('lines.0.dn');
  });

  it('checks description and Phone Load Name', () => {
    expect(newPhoneProblem({ ...phone, description: 'x'.repeat(129) })?.field).toBe('description');
    expect(newPhoneProblem({ ...phone, description: 'a\nb' })?.field).toBe('description');
    expect(newPhoneProblem({ ...phone, loadId: 'SCCP41.9-4-2SR1-1S' })).toBeNull();
    expect(newPhoneProblem({ ...phone, loadId: '../etc/passwd' })?.field).toBe('loadId');
  });
});

describe('phone changed by hand', () => {
  const current = { model: '7940', protocol: 'SCCP' as const };
  it('refuses a protocol change and points to Migrate Phones', () => {
    const p = phoneChangeProblem(current, { protocol: 'SIP' });
    expect(p?.field).toBe('protocol');
    expect(p?.message).toContain('Bulk Administration > Migrate Phones');
    expect(phoneChangeProblem(current, { protocol: 'SCCP', model: '7940' })).toBeNull();
    expect(phoneChangeProblem(current, { model: '7960' })?.field).toBe('model');
  });

  it('checks new lines against the existing model', () => {
    expect(phoneChangeProblem(current, { lines: [{ index: 2, dn: '2002' }] })).toBeNull();
    expect(phoneChangeProblem(current, { lines: [{ index: 6, dn: '2002' }] })?.field).toBe('lines.0.index');
  });
});
