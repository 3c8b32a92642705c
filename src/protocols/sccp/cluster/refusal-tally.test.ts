import { expect, it } from 'vitest';
import type { RefusalCount } from './refusal-tally.js';
import { RefusalTally } from './refusal-tally.js';

it('sends refusals as one count per limit and source address', () => {
  const sent: RefusalCount[][] = [];
  const tally = new RefusalTally((counts) => sent.push(counts), 60_000);
  for (let i = 0; i < 5000; i++) tally.reached('sccpMaxConnections', { address: '10.0.0.1' }, `refused ${i}`);
  tally.reached('sccpMaxConnections', { address: '10.0.0.2' }, 'refused');
  tally.reached('sccpRegisterTimeoutSeconds', { address: '10.0.0.1', device: 'SEP1' }, 'closed');
  expect(sent).toEqual([]);
  tally.flush();
  expect(sent).toEqual([
    [
      { limit: 'sccpMaxConnections', context: { address: '10.0.0.1' }, message: 'refused 4999', count: 5000 },
      { limit: 'sccpMaxConnections', context: { address: '10.0.0.2' }, message: 'refused', count: 1 },
      {
        limit: 'sccpRegisterTimeoutSeconds',
        context: { address: '10.0.0.1', device: 'SEP1' },
        message: 'closed',
        count: 1,
      },
    ],
  ]);
  tally.flush();
  expect(sent).toHaveLength(1);
});

it('sends at once when a flood comes from too many addresses to gather', () => {
  const sent: RefusalCount[][] = [];
  const tally = new RefusalTally((counts) => sent.push(counts), 60_000);
  for (let i = 0; i < 1000; i++)
    tally.reached('sccpMaxConnections', { address: `10.0.${i >> 8}.${i & 255}` }, 'x');
  expect(sent.map((s) => s.length)).toEqual([1000]);
  tally.flush();
});
