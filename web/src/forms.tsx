import { useId, type ReactNode, type SelectHTMLAttributes, type InputHTMLAttributes } from 'react';
import type { UserError } from '@wholesale-provisioning/sdk';

/** A userError's field path without its leading "input": ["input","users","3","email"] → "users.3.email". */
export function errorKey(error: UserError): string {
  const path = error.field[0] === 'input' ? error.field.slice(1) : error.field;
  return path.join('.');
}

/** The errors except those at or below the given keys (a field the user just changed). */
export function withoutKeys<E extends UserError>(errors: E[], keys: string[]): E[] {
  if (!errors.length) return errors;
  const gone = (key: string) => keys.some((k) => key === k || key.startsWith(`${k}.`));
  const kept = errors.filter((e) => !gone(errorKey(e)));
  return kept.length === errors.length ? errors : kept;
}

/** userErrors grouped by field key, for the fields that show them. */
export type ErrorMap = Map<string, UserError[]>;

export function errorMap(errors: readonly UserError[]): ErrorMap {
  const map: ErrorMap = new Map();
  for (const error of errors) {
    const key = errorKey(error);
    map.set(key, [...(map.get(key) ?? []), error]);
  }
  return map;
}

/** The id of the element holding a field's error text, for aria-describedby and "go to field" links. */
export function fieldId(key: string): string {
  return `field-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

interface FieldProps {
  label: string;
  /** The userError key this field shows (e.g. "headquarters.address.city"). */
  name: string;
  errors: ErrorMap;
  hint?: ReactNode;
  required?: boolean;
}

function FieldShell({ label, name, errors, hint, required, children }: FieldProps & { children: (a11y: A11y) => ReactNode }) {
  const id = fieldId(name);
  const hintId = useId();
  const own = errors.get(name) ?? [];
  const errorId = `${id}-error`;
  const describedBy = [own.length ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={own.length ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? <p className="hint" id={hintId}>{hint}</p> : null}
      {children({ id, 'aria-invalid': own.length ? true : undefined, 'aria-describedby': describedBy, 'aria-required': required || undefined })}
      {own.length ? (
        <p className="field-error" id={errorId}>{own.map((e) => e.message).join(' ')}</p>
      ) : null}
    </div>
  );
}

interface A11y {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  'aria-required'?: boolean;
}

export function TextField({ value, onChange, type = 'text', inputProps, ...field }: FieldProps & {
  value: string; onChange(value: string): void; type?: string; inputProps?: InputHTMLAttributes<HTMLInputElement>;
}) {
  return (
    <FieldShell {...field}>
      {(a11y) => <input {...a11y} {...inputProps} type={type} value={value} onChange={(e) => onChange(e.target.value)} />}
    </FieldShell>
  );
}

export interface Option { value: string; label: string }

export function SelectField({ value, onChange, options, placeholder, selectProps, ...field }: FieldProps & {
  value: string; onChange(value: string): void; options: Option[]; placeholder?: string; selectProps?: SelectHTMLAttributes<HTMLSelectElement>;
}) {
  return (
    <FieldShell {...field}>
      {(a11y) => (
        <select {...a11y} {...selectProps} value={value} onChange={(e) => onChange(e.target.value)}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      )}
    </FieldShell>
  );
}

/**
 * `invalidBy`: the id of an error shown for the group this checkbox is in (e.g. Add-ons' NOT_ALLOWED
 * on "addOns"), so a checked box the error is about reads as invalid, with that error.
 */
export function CheckboxField({ label, name, errors, hint, checked, onChange, disabled, invalidBy }: FieldProps & {
  checked: boolean; onChange(checked: boolean): void; disabled?: boolean; invalidBy?: string;
}) {
  const id = fieldId(name);
  const hintId = useId();
  const own = errors.get(name) ?? [];
  const errorId = `${id}-error`;
  const describedBy = [own.length ? errorId : null, invalidBy ?? null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={own.length || invalidBy ? 'field checkbox field-invalid' : 'field checkbox'}>
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)}
        aria-invalid={own.length || invalidBy ? true : undefined} aria-describedby={describedBy} />
      <label htmlFor={id}>{label}</label>
      {hint ? <p className="hint" id={hintId}>{hint}</p> : null}
      {own.length ? <p className="field-error" id={errorId}>{own.map((e) => e.message).join(' ')}</p> : null}
    </div>
  );
}

/** Errors no field on screen shows (e.g. on the whole input), so none is ever silently dropped. */
export function FormErrors({ errors, shown }: { errors: readonly UserError[]; shown?: (key: string) => boolean }) {
  const rest = errors.filter((e) => !(shown?.(errorKey(e)) ?? false));
  if (!rest.length) return null;
  return (
    <div className="alert alert-error" role="alert">
      <ul>{rest.map((e, i) => <li key={i}>{e.message} <span className="code">({e.code} on {errorKey(e) || 'input'})</span></li>)}</ul>
    </div>
  );
}

export function Alert({ children, kind = 'error' }: { children: ReactNode; kind?: 'error' | 'info' | 'success' | 'warning' }) {
  return <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</div>;
}

/** The reason mutations are off, shown once per page and linked from every disabled button. */
export const READ_ONLY_REASON_ID = 'read-only-reason';

export function ReadOnlyNotice({ reason }: { reason: string | null }) {
  if (!reason) return null;
  return <p className="alert alert-warning" id={READ_ONLY_REASON_ID}>{reason}</p>;
}

/** Props that disable a mutation button for a read-only admin, with the reason linked. */
export function writeGuard(reason: string | null): { disabled?: boolean; 'aria-describedby'?: string; title?: string } {
  return reason ? { disabled: true, 'aria-describedby': READ_ONLY_REASON_ID, title: reason } : {};
}
