import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { clientFor, describeError, loadSession, SessionContext, storedToken, storeToken, type Session } from './session';
import { Link, navigate, useRoute } from './router';
import { fieldId } from './forms';
import { TemplatesPage } from './screens/templates';
import { TemplateWizard } from './screens/template-wizard';
import { TemplateEditPage } from './screens/template-edit';
import { CustomersPage } from './screens/customers';
import { CustomerPage } from './screens/customer-page';
import { CustomerWizard } from './screens/customer-wizard';
import { SetupWizard } from './screens/setup-wizard';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((message?: string) => {
    storeToken(null);
    setSession(null);
    setNotice(message ?? null);
    navigate('/');
  }, []);

  const signIn = useCallback(async (token: string): Promise<string | null> => {
    try {
      const loaded = await loadSession(clientFor(token));
      storeToken(token);
      setSession({ ...loaded, signOut });
      setNotice(null);
      return null;
    } catch (error) {
      storeToken(null);
      return describeError(error);
    }
  }, [signOut]);

  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    void signIn(token).then((problem) => { if (problem) setNotice(problem); setLoading(false); });
  }, [signIn]);

  if (loading && !session) return <main className="center"><p role="status">Signing in…</p></main>;
  if (!session) return <SignIn onSignIn={signIn} notice={notice} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} />
    </SessionContext.Provider>
  );
}

function SignIn({ onSignIn, notice }: { onSignIn(token: string): Promise<string | null>; notice: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) { setError('Paste an API token (it starts with wpt_).'); return; }
    setBusy(true);
    const problem = await onSignIn(token.trim());
    setBusy(false);
    setError(problem);
  };
  const id = fieldId('token');
  return (
    <main className="center" id="main">
      <form className="card sign-in" onSubmit={submit} noValidate>
        <h1>Partner portal</h1>
        <p className="lead">Onboard Webex for Wholesale customers: template, customer, users.</p>
        {notice ? <p className="alert alert-warning" role="status">{notice}</p> : null}
        <div className={error ? 'field field-invalid' : 'field'}>
          <label htmlFor={id}>API token</label>
          <p className="hint" id={`${id}-hint`}>The token of a partner admin (npm start prints one on an empty database). It is kept in this tab only.</p>
          <input id={id} type="password" autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)}
            aria-invalid={error ? true : undefined} aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`} />
          {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
        </div>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}

function Shell({ session }: { session: Session }) {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);
  // A new screen: keyboard and screen-reader users start at its content, not on a link that is gone.
  useEffect(() => {
    if (firstRoute.current) { firstRoute.current = false; return; }
    main.current?.focus();
  }, [route]);
  const section = route.startsWith('/customers') ? 'customers' : 'templates';
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="top">
        <div className="brand">Partner portal</div>
        <nav aria-label="Main">
          <Link to="/templates" aria-current={section === 'templates' ? 'page' : undefined}>Templates</Link>
          <Link to="/customers" aria-current={section === 'customers' ? 'page' : undefined}>Customers</Link>
        </nav>
        <div className="who">
          <span className="partner-name" data-testid="partner-name">{session.viewer.partner.name}</span>
          <span className="admin">{session.viewer.email}{session.readOnlyReason ? ' · read-only' : ''}</span>
          <button type="button" className="secondary small" onClick={() => session.signOut()}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Routes route={route} />
      </main>
    </>
  );
}

function Routes({ route }: { route: string }) {
  const parts = route.split('/').filter(Boolean);
  if (parts.length === 0 || (parts[0] === 'templates' && parts.length === 1)) return <TemplatesPage />;
  if (parts[0] === 'templates' && parts[1] === 'new') return <TemplateWizard />;
  if (parts[0] === 'templates' && parts[1]) return <TemplateEditPage key={parts[1]} id={decodeURIComponent(parts[1])} />;
  if (parts[0] === 'customers' && parts.length === 1) return <CustomersPage />;
  if (parts[0] === 'customers' && parts[1] === 'new') return <CustomerWizard />;
  if (parts[0] === 'customers' && parts[1] && parts[2] === 'setup') return <SetupWizard key={parts[1]} customerId={decodeURIComponent(parts[1])} />;
  if (parts[0] === 'customers' && parts[1]) return <CustomerPage key={parts[1]} id={decodeURIComponent(parts[1])} />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>Nothing lives at this address. <Link to="/templates">Go to the templates</Link>.</p>
    </section>
  );
}
