import type { Dashboard } from '../api/types';
import { number } from '../format';

const W = 720;
const H = 190;
const PAD = { left: 44, right: 8, top: 10, bottom: 26 };

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

function clock(minute: string): string {
  return new Date(`${minute}:00Z`).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** One stacked part of each bar: its legend, its CSS class and its value in a minute. */
interface Series<M> {
  label: string;
  className: string;
  value: (minute: M) => number;
}

/** Counts per minute over the last hour, as stacked bars (`series` bottom first). */
function MinuteChart<M extends { minute: string }>({
  minutes,
  series,
  label,
}: {
  minutes: M[];
  series: Series<M>[];
  label: string;
}) {
  const totals = series.map((s) => minutes.reduce((n, m) => n + s.value(m), 0));
  const sum = (m: M) => series.reduce((n, s) => n + s.value(m), 0);
  const max = niceMax(Math.max(1, ...minutes.map(sum)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, minutes.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const described = series.map((s, i) => `${totals[i]} ${s.label.toLowerCase()}`).join(', ');
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${label} per minute over the last hour: ${described}`}
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} className="grid" />
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end" className="axis">
              {number(max * f)}
            </text>
          </g>
        ))}
        {minutes.map((m, i) => {
          const x = PAD.left + i * bw + 1;
          const w = Math.max(1, bw - 2);
          let below = 0;
          return (
            <g key={m.minute}>
              <title>{`${clock(m.minute)}: ${series.map((s) => `${s.value(m)} ${s.label.toLowerCase()}`).join(', ')}`}</title>
              {series.map((s) => {
                const v = s.value(m);
                const bottom = below;
                below += v;
                return v > 0 ? (
                  <rect
                    key={s.className}
                    x={x}
                    y={y(bottom + v)}
                    width={w}
                    height={y(bottom) - y(bottom + v)}
                    className={s.className}
                  />
                ) : null;
              })}
            </g>
          );
        })}
        {minutes.map((m, i) =>
          i % 10 === 0 || i === minutes.length - 1 ? (
            <text
              key={m.minute}
              x={PAD.left + i * bw + bw / 2}
              y={H - 8}
              textAnchor={i === minutes.length - 1 ? 'end' : 'middle'}
              className="axis"
            >
              {clock(m.minute)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption>
        {series.map((s, i) => (
          <span key={s.className}>
            <span className={`legend legend-${s.className.replace(/^bar-/, '')}`} aria-hidden="true" />{' '}
            {s.label} ({number(totals[i])}){' '}
          </span>
        ))}
        — per minute, last 60 minutes
      </figcaption>
    </figure>
  );
}

/** Registrations (accepted) and rejections per minute over the last hour. */
export function RegistrationChart({ minutes }: { minutes: Dashboard['minutes'] }) {
  return (
    <MinuteChart
      minutes={minutes}
      label="Registration attempts"
      series={[
        { label: 'Registered', className: 'bar-accepted', value: (m) => m.accepted },
        { label: 'Rejected', className: 'bar-rejected', value: (m) => m.rejected },
      ]}
    />
  );
}

/** Calls begun per minute over the last hour: completed ones, and those that failed. */
export function CallChart({ minutes }: { minutes: Dashboard['calls']['minutes'] }) {
  return (
    <MinuteChart
      minutes={minutes}
      label="Calls"
      series={[
        { label: 'Completed', className: 'bar-accepted', value: (m) => m.calls - m.failed },
        { label: 'Failed', className: 'bar-rejected', value: (m) => m.failed },
      ]}
    />
  );
}
