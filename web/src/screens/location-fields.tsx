import type { LocationInput } from '@wholesale-provisioning/sdk';
import { SelectField, TextField, type ErrorMap } from '../forms';
import type { Session } from '../session';

export interface LocationDraft {
  name: string; line1: string; line2: string; city: string; stateOrProvince: string; postalCode: string; countryCode: string; timeZone: string;
}

export const emptyLocation = (countryCode = ''): LocationDraft => ({
  name: '', line1: '', line2: '', city: '', stateOrProvince: '', postalCode: '', countryCode, timeZone: '',
});

const blankToNull = (v: string) => (v.trim() ? v : null);

export function locationInput(d: LocationDraft): LocationInput {
  return {
    name: d.name, timeZone: d.timeZone,
    address: { line1: d.line1, line2: blankToNull(d.line2), city: d.city, stateOrProvince: blankToNull(d.stateOrProvince), postalCode: blankToNull(d.postalCode), countryCode: d.countryCode },
  };
}

/** The time zones this browser knows (IANA names); the server checks them against its own runtime. */
export const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** A location's fields; `prefix` is its userError path ("headquarters", "locations.2"). */
export function LocationFields({ prefix, draft, set, errors, session }: {
  prefix: string; draft: LocationDraft; set(patch: Partial<LocationDraft>): void; errors: ErrorMap; session: Session;
}) {
  const a = `${prefix}.address`;
  return (
    <div className="grid two">
      <TextField label="Location name" name={`${prefix}.name`} required errors={errors} value={draft.name} onChange={(name) => set({ name })} />
      <SelectField label="Country or region" name={`${a}.countryCode`} required errors={errors} value={draft.countryCode}
        onChange={(countryCode) => set({ countryCode })} placeholder="Choose a country or region"
        options={session.countries.map((c) => ({ value: c.code, label: c.name }))} />
      <TextField label="Address line 1" name={`${a}.line1`} required errors={errors} value={draft.line1} onChange={(line1) => set({ line1 })}
        inputProps={{ autoComplete: 'off' }} />
      <TextField label="Address line 2" name={`${a}.line2`} errors={errors} value={draft.line2} onChange={(line2) => set({ line2 })}
        inputProps={{ autoComplete: 'off' }} />
      <TextField label="City" name={`${a}.city`} required errors={errors} value={draft.city} onChange={(city) => set({ city })} inputProps={{ autoComplete: 'off' }} />
      <TextField label="State or province" name={`${a}.stateOrProvince`} errors={errors} value={draft.stateOrProvince}
        onChange={(stateOrProvince) => set({ stateOrProvince })} hint="Required in some countries (e.g. US, CA, AU)." inputProps={{ autoComplete: 'off' }} />
      <TextField label="Postal code" name={`${a}.postalCode`} errors={errors} value={draft.postalCode} onChange={(postalCode) => set({ postalCode })}
        hint="Required in the EU, GB and some other countries." inputProps={{ autoComplete: 'off' }} />
      <SelectField label="Time zone" name={`${prefix}.timeZone`} required errors={errors} value={draft.timeZone}
        onChange={(timeZone) => set({ timeZone })} placeholder="Choose a time zone"
        options={TIME_ZONES.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))} />
    </div>
  );
}

export function formatAddress(l: { address: { line1: string; line2?: string | null; city: string; stateOrProvince?: string | null; postalCode?: string | null; countryCode: string } }): string {
  const x = l.address;
  return [x.line1, x.line2, [x.postalCode, x.city].filter(Boolean).join(' '), x.stateOrProvince, x.countryCode].filter(Boolean).join(', ');
}
