import { useEffect, useState } from 'react';
import type { UserError } from '@wholesale-provisioning/sdk';
import { errorKey, fieldId } from './forms';
import { stepOfKey } from './wizard';

/**
 * The review step's list of problems: each names its step and jumps there, to its field. Problems
 * no step shows (on the whole input) stay listed here.
 */
export function ReviewProblems({ errors, steps, matchers, onGo }: {
  errors: readonly UserError[]; steps: string[]; matchers: Array<(key: string) => boolean>; onGo(step: number, key: string): void;
}) {
  if (!errors.length) return null;
  return (
    <div className="alert alert-error" role="alert" aria-labelledby="review-problems-title">
      <h3 id="review-problems-title">{errors.length === 1 ? '1 problem to fix' : `${errors.length} problems to fix`}</h3>
      <ul>
        {errors.map((e, i) => {
          const key = errorKey(e);
          const step = stepOfKey(key, matchers);
          return (
            <li key={i}>
              {e.message}{' '}
              {step >= 0 ? <button type="button" className="link" onClick={() => onGo(step, key)}>Fix it in {steps[step]}</button> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** After a jump to another step, focuses the field once that step has rendered. */
export function useFocusField(): (key: string) => void {
  const [pending, setPending] = useState<string | null>(null);
  useEffect(() => {
    if (!pending) return;
    const el = document.getElementById(fieldId(pending));
    if (el) { el.focus(); el.scrollIntoView({ block: 'center' }); }
    setPending(null);
  });
  return setPending;
}

export function Warnings({ warnings }: { warnings: readonly string[] }) {
  if (!warnings.length) return null;
  return <div className="alert alert-warning" role="status"><ul>{warnings.map((w) => <li key={w}>{w}</li>)}</ul></div>;
}
