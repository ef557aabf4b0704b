import { useMemo, useState, type ChangeEvent } from 'react';
import type { Customer, CustomerUserInput, Package, UserError } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Link, navigate } from '../router';
import { Alert, errorKey, errorMap, withoutKeys, FormErrors, ReadOnlyNotice, READ_ONLY_REASON_ID } from '../forms';
import { Wizard } from '../wizard';
import { useFocusField } from '../review';
import { useLoad } from '../use-load';
import { readUsersCsv } from '../csv';
import { emptyLocation, formatAddress, LocationFields, locationInput, type LocationDraft } from './location-fields';
import { packageOptions, UsersTable, userPackages, type UserDraft } from './users-table';

const STEPS = ['Locations', 'Users', 'Phone numbers', 'Review'];
const USER_FIELDS = /^users\.\d+\.(firstName|lastName|email|package|locationName)$/;
const NUMBER_FIELDS = /^users\.\d+\.(phoneNumber|extension)$/;
const MATCHERS = [
  (k: string) => k === 'locations' || k.startsWith('locations.'),
  (k: string) => k === 'users' || USER_FIELDS.test(k),
  (k: string) => NUMBER_FIELDS.test(k),
];

export function SetupWizard({ customerId }: { customerId: string }) {
  const session = useSession();
  const { data: customer, error, loading } = useLoad(() => session.client.customer(customerId), [customerId]);
  if (error) return <Alert>{error}</Alert>;
  if (loading && !customer) return <p role="status">Loading the customer…</p>;
  if (!customer) return <section><h1>Customer not found</h1><p><Link to="/customers">Back to customers</Link></p></section>;
  return <Setup customer={customer} />;
}

function Setup({ customer }: { customer: Customer }) {
  const session = useSession();
  const existing = useLoad(() => session.client.customerLocations(customer.id, { first: 100 }), [customer.id]);
  const [step, setStep] = useState(0);
  const [locations, setLocations] = useState<LocationDraft[]>([]);
  const [users, setUsers] = useState<UserDraft[]>([]);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [csv, setCsv] = useState<{ name: string; read: number; total: number; done: boolean; problem: string | null } | null>(null);
  const focusField = useFocusField();
  const map = useMemo(() => errorMap(errors), [errors]);

  // From the catalog: the customer's package and every package it includes may be held by users.
  const allowedPackages = userPackages(session.packages, customer.package);
  const packageChoices = packageOptions(allowedPackages);
  const callingPackages = new Set(session.packages.filter((p) => p.calling).map((p) => p.package as string));
  const knownPackages = new Set(session.packages.map((p) => p.package as string));
  const locationOptions = [
    { value: '', label: `${customer.headquarters.name} (headquarters)` },
    ...(existing.data?.edges ?? []).filter(({ node }) => !node.isHeadquarters).map(({ node }) => ({ value: node.name, label: node.name })),
    ...locations.filter((l) => l.name.trim()).map((l) => ({ value: l.name, label: `${l.name} (new)` })),
  ];

  /** Rows whose package is not one of the catalog's are refused here: the API's enum would reject the whole request. */
  const localErrors = (): UserError[] => users.flatMap((u, i) => knownPackages.has(u.package) ? [] : [{
    code: 'INVALID', field: ['input', 'users', String(i), 'package'],
    message: `"${u.package}" is not a package: choose one of ${allowedPackages.map((p) => p.package).join(', ')}.`,
  }]);

  const input = (dryRun: boolean) => ({
    customerId: customer.id, dryRun,
    locations: locations.map(locationInput),
    users: users.map((u): CustomerUserInput => ({
      firstName: u.firstName, lastName: u.lastName, email: u.email,
      package: (knownPackages.has(u.package) ? u.package : customer.package) as Package,
      ...(u.locationName ? { locationName: u.locationName } : {}),
      phoneNumber: u.phoneNumber, extension: u.extension,
    })),
  });

  const run = async (dryRun: boolean): Promise<UserError[] | null> => {
    setFailure(null);
    try {
      const payload = await session.client.payloads.setupCustomer(input(dryRun));
      if (!dryRun && !payload.userErrors.length) {
        const text = `Set up: ${payload.users.length.toLocaleString('en')} user${payload.users.length === 1 ? '' : 's'} and ${payload.locations.length} location${payload.locations.length === 1 ? '' : 's'} created. Welcome emails are in the outbox.`;
        navigate(`/customers/${customer.id}?setup=${encodeURIComponent(text)}`);
        return [];
      }
      return [...localErrors(), ...payload.userErrors];
    } catch (error) {
      setFailure(describeError(error));
      return null;
    }
  };

  const next = async () => {
    const final = step === 3;
    setBusy(final ? `Creating ${users.length.toLocaleString('en')} users…` : `Checking${users.length > 100 ? ` ${users.length.toLocaleString('en')} users` : ''}…`);
    const found = await run(!final);
    setBusy(null);
    if (!found) return;
    if (final) { setErrors(found); return; }
    const own = found.filter((e) => MATCHERS[step]!(errorKey(e)));
    setErrors(step === 2 ? found : own);
    if (own.length) {
      const key = errorKey(own[0]!);
      if (!key.startsWith('users.')) focusField(key);
      return;
    }
    setStep(step + 1);
  };

  const importCsv = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setCsv({ name: file.name, read: 0, total: 1, done: false, problem: null });
    const text = await file.text();
    const result = await readUsersCsv(text, (read, total) => setCsv((c) => c && { ...c, read, total }), customer.package);
    setCsv((c) => c && { ...c, read: result.users.length, total: Math.max(1, result.users.length), done: true, problem: result.problem });
    if (result.users.length) {
      // An empty typed-in row (the starting one) gives way to the file's rows.
      setUsers((current) => [...current.filter((u) => u.firstName || u.lastName || u.email), ...result.users]);
      setErrors([]);
    }
  };

  const updateUser = (i: number, patch: Partial<UserDraft>) => {
    setUsers((all) => all.map((u, j) => (j === i ? { ...u, ...patch } : u)));
    setErrors((all) => withoutKeys(all, Object.keys(patch).map((k) => `users.${i}.${k}`)));
  };
  const removeUser = (i: number) => { setUsers((all) => all.filter((_, j) => j !== i)); setErrors([]); };
  const addUser = () => setUsers((all) => [...all, { firstName: '', lastName: '', email: '', package: customer.package, locationName: '', phoneNumber: '', extension: '' }]);

  const allIndices = useMemo(() => users.map((_, i) => i), [users]);
  const numberIndices = useMemo(() => users.flatMap((u, i) =>
    callingPackages.has(u.package) || u.phoneNumber || u.extension || map.has(`users.${i}.phoneNumber`) || map.has(`users.${i}.extension`) ? [i] : []),
  // eslint-disable-next-line react-hooks/exhaustive-deps
  [users, map]);
  const tableProps = { rows: users, errors: map, onChange: updateUser, packageOptions: packageChoices, locationOptions };
  const locationErrors = errors.filter((e) => errorKey(e).startsWith('locations.'));

  return (
    <>
      <p className="crumbs"><Link to="/customers">Customers</Link> › <Link to={`/customers/${customer.id}`}>{customer.companyName}</Link> ›</p>
      <Wizard title={`Set up customer: ${customer.companyName}`} steps={STEPS} step={step}
        onBack={() => { setErrors([]); setStep((s) => Math.max(0, s - 1)); }} onNext={next} busy={busy}
        nextLabel={step === 3 ? 'Create users' : 'Next'}
        nextDisabled={(step === 3 && errors.length > 0) || !!session.readOnlyReason || (csv !== null && !csv.done)}
        nextDescribedBy={session.readOnlyReason ? READ_ONLY_REASON_ID : undefined}>
        <ReadOnlyNotice reason={session.readOnlyReason} />
        {failure ? <Alert>{failure}</Alert> : null}
        {busy && users.length > 1000 ? <progress className="wide" aria-label={busy} /> : null}
        {step === 0 ? (
          <>
            <p className="lead">The headquarters exists already ({customer.headquarters.name}: {formatAddress(customer.headquarters)}). Add more locations if users work elsewhere; otherwise go on with <strong>Next</strong>.</p>
            {locations.map((l, i) => (
              <fieldset key={i} className="location">
                <legend>New location {i + 1}</legend>
                <LocationFields prefix={`locations.${i}`} draft={l} errors={map} session={session}
                  set={(p) => {
                    setLocations((all) => all.map((x, j) => (j === i ? { ...x, ...p } : x)));
                    setErrors((all) => withoutKeys(all, Object.keys(p).map((k) => (k === 'name' || k === 'timeZone' ? `locations.${i}.${k}` : `locations.${i}.address.${k}`))));
                  }} />
                <button type="button" className="secondary small" onClick={() => { setLocations((all) => all.filter((_, j) => j !== i)); setErrors([]); }}>Remove location {i + 1}</button>
              </fieldset>
            ))}
            <button type="button" className="secondary" onClick={() => setLocations((all) => [...all, emptyLocation(customer.headquarters.address.countryCode)])}>Add location</button>
            <FormErrors errors={errors} shown={(k) => k.startsWith('locations.')} />
          </>
        ) : null}
        {step === 1 ? (
          <>
            <p className="lead">Type users in, or import them from a CSV file (columns First Name, Last Name, Email, Package, Location, Phone, Extension). Location empty: the headquarters.</p>
            <div className="csv-import card">
              <label htmlFor="csv-file">Import users from a CSV file</label>
              <input id="csv-file" type="file" accept=".csv,text/csv" onChange={importCsv} disabled={csv !== null && !csv.done} aria-describedby="csv-status" />
              <div id="csv-status" aria-live="polite">
                {csv ? (
                  <>
                    <progress max={csv.total} value={csv.read} aria-label={`Reading ${csv.name}`} />{' '}
                    {csv.done
                      ? (csv.problem ? null : <span>Read {csv.read.toLocaleString('en')} users from {csv.name}.</span>)
                      : <span>Reading {csv.name}: {csv.read.toLocaleString('en')} of about {csv.total.toLocaleString('en')} rows…</span>}
                  </>
                ) : null}
              </div>
              {csv?.problem ? <Alert>{csv.problem}</Alert> : null}
            </div>
            <FormErrors errors={errors} shown={(k) => USER_FIELDS.test(k)} />
            <UsersTable {...tableProps} indices={allIndices} columns={['firstName', 'lastName', 'email', 'package', 'locationName']}
              onRemove={removeUser} caption={`Users to create (${users.length.toLocaleString('en')})`} />
            <button type="button" className="secondary" onClick={addUser}>Add user</button>
          </>
        ) : null}
        {step === 2 ? (
          <>
            <p className="lead">Users with a calling package need a phone number, an extension or both. Numbers in international form, e.g. +31 20 794 8000.</p>
            {numberIndices.length ? (
              <UsersTable {...tableProps} indices={numberIndices} columns={['phoneNumber', 'extension']} readOnlyColumns={['firstName', 'lastName', 'email', 'package']}
                caption={`Calling users (${numberIndices.length.toLocaleString('en')})`} />
            ) : <p className="empty">No user has a calling package: nothing to number.</p>}
            <FormErrors errors={errors} shown={(k) => NUMBER_FIELDS.test(k) || k.startsWith('users.') || k.startsWith('locations.')} />
          </>
        ) : null}
        {step === 3 ? (
          <>
            <p className="lead">The server checked this setup without writing anything: {locations.length} new location{locations.length === 1 ? '' : 's'} and {users.length.toLocaleString('en')} user{users.length === 1 ? '' : 's'}. Fix any problem in the table (then <strong>Check again</strong>), or <strong>Create users</strong>.</p>
            {locationErrors.length ? (
              <Alert>
                Locations: {locationErrors.map((e) => e.message).join(' ')}{' '}
                <button type="button" className="link" onClick={() => { setStep(0); focusField(errorKey(locationErrors[0]!)); }}>Fix it in Locations</button>
              </Alert>
            ) : null}
            <FormErrors errors={errors} shown={(k) => k.startsWith('users.') || k.startsWith('locations.')} />
            {locations.length ? (
              <ul className="plain">{locations.map((l, i) => <li key={i}><strong>{l.name}</strong>: {formatAddress({ address: l })} ({l.timeZone})</li>)}</ul>
            ) : null}
            <UsersTable {...tableProps} indices={allIndices} columns={['firstName', 'lastName', 'email', 'package', 'locationName', 'phoneNumber', 'extension']}
              onRemove={removeUser} caption={`Users to create (${users.length.toLocaleString('en')})`} />
            <p>
              <button type="button" className="secondary" disabled={!!busy || !!session.readOnlyReason} onClick={async () => {
                setBusy('Checking…'); const found = await run(true); setBusy(null); if (found) setErrors(found);
              }}>Check again</button>
            </p>
          </>
        ) : null}
      </Wizard>
    </>
  );
}
