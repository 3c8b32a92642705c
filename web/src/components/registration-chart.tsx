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

/** Registrations (accepted) and rejections per minute over the last hour, as stacked bars. */
export function RegistrationChart({ minutes }: { minutes: Dashboard['minutes'] }) {
  const accepted = minutes.reduce((n, m) => n + m.accepted, 0);
  const rejected = minutes.reduce((n, m) => n + m.rejected, 0);
  const max = niceMax(Math.max(1, ...minutes.map((m) => m.accepted + m.rejected)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, minutes.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Registration attempts per minute over the last hour: ${accepted} accepted, ${rejected} rejected`}
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
          return (
            <g key={m.minute}>
              <title>{`${clock(m.minute)}: ${m.accepted} accepted, ${m.rejected} rejected`}</title>
              {m.accepted > 0 && (
                <rect
                  x={x}
                  y={y(m.accepted)}
                  width={w}
                  height={y(0) - y(m.accepted)}
                  className="bar-accepted"
                />
              )}
              {m.rejected > 0 && (
                <rect
                  x={x}
                  y={y(m.accepted + m.rejected)}
                  width={w}
                  height={y(m.accepted) - y(m.accepted + m.rejected)}
                  className="bar-rejected"
                />
              )}
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
        <span className="legend legend-accepted" aria-hidden="true" /> Registered ({number(accepted)})
        <span className="legend legend-rejected" aria-hidden="true" /> Rejected ({number(rejected)}) — per
        minute, last 60 minutes
      </figcaption>
    </figure>
  );
}
