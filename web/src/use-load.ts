import { useCallback, useContext, useEffect, useState } from 'react';
import { GraphQLRequestError } from '@wholesale-provisioning/sdk';
import { describeError, SessionContext } from './session';

/** Loads data for a screen; `reload` runs it again. Stale answers (deps changed meanwhile) are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const session = useContext(SessionContext);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => { if (live) setState({ data, error: null, loading: false }); },
      (error: unknown) => {
        if (!live) return;
        // A token revoked or expired mid-session: back to Sign in, saying why.
        if (error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED' && session) session.signOut(describeError(error));
        else setState({ data: null, error: describeError(error), loading: false });
      },
    );
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Cursor pagination: a stack of `after` cursors, one per page shown so far. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  return {
    after: cursors[cursors.length - 1],
    page: cursors.length,
    // A second click before the next page has loaded hands the same cursor again: it is not a further page.
    next: (endCursor: string) => setCursors((c) => (c[c.length - 1] === endCursor ? c : [...c, endCursor])),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([undefined]),
  };
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
