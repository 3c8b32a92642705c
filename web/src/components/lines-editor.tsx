/** One DN input per line button of the model; an empty input means no line on that button. */
export function LinesEditor({
  buttons,
  dns,
  onChange,
  errors,
}: {
  buttons: number;
  dns: string[];
  onChange: (dns: string[]) => void;
  /** Error text by line button (1-based). */
  errors: Record<number, string>;
}) {
  return (
    <fieldset className="lines">
      <legend>Lines (directory numbers)</legend>
      <p className="hint">
        Digits only; a DN another phone holds becomes a shared line. Leave a button empty for no line.
      </p>
      {Array.from({ length: buttons }, (_, i) => {
        const index = i + 1;
        const error = errors[index];
        return (
          <div key={index} className={`field${error ? ' field-invalid' : ''}`}>
            <label htmlFor={`line-${index}`}>Line {index}</label>
            <div className="field-control">
              <input
                id={`line-${index}`}
                inputMode="numeric"
                value={dns[i] ?? ''}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `line-${index}-error` : undefined}
                onChange={(e) => {
                  const next = [...dns];
                  next[i] = e.target.value;
                  onChange(next);
                }}
              />
              {error && (
                <span id={`line-${index}-error`} className="field-error" role="alert">
                  {error}
                </span>
              )}
            </div>
          </div>
        );
      })}
    </fieldset>
  );
}

/** The lines to send from the inputs: button index and DN of each non-empty input. */
export function linesOf(dns: string[]): { index: number; dn: string }[] {
  return dns.flatMap((dn, i) => (dn.trim() === '' ? [] : [{ index: i + 1, dn: dn.trim() }]));
}

/** Maps an API error field `lines.N.dn` / `lines.N.index` to the line button it names. */
export function lineErrorOf(
  field: string | undefined,
  message: string,
  sent: { index: number }[],
): Record<number, string> {
  const m = field ? /^lines\.(\d+)\./.exec(field) : null;
  if (!m) return {};
  const line = sent[Number(m[1])];
  return line ? { [line.index]: message } : {};
}
