/** The label of an operation without a name. */
export const ANONYMOUS = 'anonymous';
/** The label of every name past the bound, and of names sent by callers who did not authenticate. */
export const OTHER = 'other';

/** How many distinct operation names get their own label; later ones share `other`. */
export const MAX_OPERATION_NAMES = 100;

/**
 * Bounds the `operation` label. An operation's name is whatever the client wrote, so labelling by
 * it unchecked would let any caller create series without end (a Prometheus server's memory is
 * per series). Names get their own label only once the caller authenticated (an anonymous prober
 * cannot fill the slots), first come, up to MAX_OPERATION_NAMES; the SDK's and the portal's
 * operations are a few dozen, so in practice every real operation is named.
 */
export class OperationNames {
  private readonly admitted = new Set<string>();

  constructor(private readonly max = MAX_OPERATION_NAMES) {}

  label(name: string | null | undefined, authenticated: boolean): string {
    if (!name) return ANONYMOUS;
    if (this.admitted.has(name)) return name;
    if (!authenticated || this.admitted.size >= this.max) return OTHER;
    this.admitted.add(name);
    return name;
  }
}
