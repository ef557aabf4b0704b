import { useState, type FormEvent } from 'react';
import type { UserError, WebexConnectionFieldsFragment as WebexConnection } from '@wholesale-provisioning/sdk';
import { describeError, useSession } from '../session';
import { Alert, errorKey, errorMap, FormErrors, ReadOnlyNotice, TextField, withoutKeys, writeGuard } from '../forms';
import { useFocusField } from '../review';
import { formatDate, useLoad } from '../use-load';

/**
 * The partner's connection to Cisco's Webex APIs (domain.md §11): its state (never a token: the API
 * has none to show) and the form that connects it with an access token and, optionally, a refresh token.
 */
export function WebexConnectionPage() {
  const session = useSession();
  const { data, error, loading } = useLoad(() => session.client.webexConnection(), []);
  if (error) return <Alert>{error}</Alert>;
  if (loading && !data) return <p role="status">Loading the Webex connection…</p>;
  return <WebexConnectionView loaded={data!} />;
}

function WebexConnectionView({ loaded }: { loaded: WebexConnection }) {
  const session = useSession();
  const [connection, setConnection] = useState(loaded);
  const [accessToken, setAccessToken] = useState('');
  const [refreshToken, setRefreshToken] = useState('');
  const [errors, setErrors] = useState<UserError[]>([]);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const focusField = useFocusField();

  const connect = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true); setMessage(null);
    try {
      const payload = await session.client.payloads.connectWebex({ accessToken, refreshToken: refreshToken.trim() || null });
      setErrors(payload.userErrors);
      if (payload.connection) {
        setConnection(payload.connection);
        // The tokens are stored encrypted on the server; the page keeps no copy of them.
        setAccessToken(''); setRefreshToken('');
        setMessage({ kind: 'success', text: 'Connected to Webex. Customers created from a template with a Webex Provisioning ID are now provisioned in Webex.' });
      } else if (payload.userErrors[0]) focusField(errorKey(payload.userErrors[0]));
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally { setBusy(false); }
  };

  const map = errorMap(errors);
  const rows: Array<[string, React.ReactNode]> = [
    ['Connected', <span data-testid="webex-connected">{connection.connected ? 'Yes' : 'No'}</span>],
    ['Connected at', formatDate(connection.connectedAt)],
    ['Last error', connection.lastError ?? '—'],
  ];
  return (
    <section aria-labelledby="webex-connection-title">
      <h1 id="webex-connection-title">Webex</h1>
      <p className="lead">Your partner's connection to Cisco's Webex APIs. While it is connected, customers created from a template with a
        Webex Provisioning ID are provisioned in Webex, with their locations and users, and each customer's page shows where they stand.</p>
      <ReadOnlyNotice reason={session.readOnlyReason} />
      {connection.lastError ? <Alert kind="warning">Webex stopped accepting the token: {connection.lastError}. Connect again with a new token; the waiting customers then go on.</Alert> : null}
      <dl className="summary">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
      <form className="card connection-form" onSubmit={connect} noValidate aria-labelledby="webex-connect-title">
        <h2 id="webex-connect-title">{connection.connected ? 'Connect again' : 'Connect to Webex'}</h2>
        <p className="hint">Tokens of a Webex partner administrator (scopes spark-admin:wholesale_*). They are checked with one call to Webex,
          stored encrypted, never shown again, and replace an earlier connection.</p>
        <TextField label="Access token" name="accessToken" type="password" required errors={map} value={accessToken}
          onChange={(v) => { setAccessToken(v); setErrors((all) => withoutKeys(all, ['accessToken'])); }}
          inputProps={{ autoComplete: 'off', spellCheck: false }} />
        <TextField label="Refresh token" name="refreshToken" type="password" errors={map} value={refreshToken}
          onChange={(v) => { setRefreshToken(v); setErrors((all) => withoutKeys(all, ['refreshToken'])); }}
          hint="Optional: lets the server renew an expired access token by itself."
          inputProps={{ autoComplete: 'off', spellCheck: false }} />
        <FormErrors errors={errors} shown={(k) => k === 'accessToken' || k === 'refreshToken'} />
        {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
        <button type="submit" disabled={busy || !!session.readOnlyReason} {...writeGuard(session.readOnlyReason)}>Connect to Webex</button>
      </form>
    </section>
  );
}
