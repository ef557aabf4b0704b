import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';

/**
 * A wizard page: the steps (the current one marked), the step's fields, and Back / Next (or the
 * final action). The step heading takes focus on every step change so keyboard and screen-reader
 * users land on the new step.
 */
export function Wizard({ title, steps, step, onBack, onNext, nextLabel = 'Next', busy, nextDisabled, nextDescribedBy, children, hideNav }: {
  title: string;
  steps: string[];
  step: number;
  onBack(): void;
  onNext(): void;
  nextLabel?: string;
  busy?: string | null;
  nextDisabled?: boolean;
  nextDescribedBy?: string;
  hideNav?: boolean;
  children: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    heading.current?.focus();
  }, [step]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy && !nextDisabled) onNext();
  };
  return (
    <section className="wizard" aria-labelledby="wizard-title">
      <h1 id="wizard-title">{title}</h1>
      <ol className="steps">
        {steps.map((s, i) => (
          <li key={s} className={i === step ? 'current' : i < step ? 'done' : ''} aria-current={i === step ? 'step' : undefined}>
            <span className="step-number" aria-hidden="true">{i + 1}</span> {s}
          </li>
        ))}
      </ol>
      <form onSubmit={submit} noValidate>
        <h2 tabIndex={-1} ref={heading} className="step-title">Step {step + 1} of {steps.length}: {steps[step]}</h2>
        {children}
        {hideNav ? null : (
          <div className="wizard-nav">
            <button type="button" className="secondary" onClick={onBack} disabled={step === 0 || !!busy}>Back</button>
            <button type="submit" disabled={!!busy || nextDisabled} aria-describedby={nextDescribedBy}>{nextLabel}</button>
            {busy ? <span className="busy" role="status"><span className="spinner" aria-hidden="true" /> {busy}</span> : null}
          </div>
        )}
      </form>
    </section>
  );
}

/** Which wizard step shows a field key (the first whose matcher accepts it), or -1. */
export function stepOfKey(key: string, matchers: Array<(key: string) => boolean>): number {
  return matchers.findIndex((m) => m(key));
}

export const prefixes = (...names: string[]) => (key: string) =>
  names.some((n) => key === n || key.startsWith(`${n}.`));
