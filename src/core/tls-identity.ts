/**
 * The node's TLS identity: the certificate (with its chain) and private key that HTTPS, SIP over
 * TLS and WSS present. One source for all listeners, so a certificate an administrator replaces
 * reaches every listener's next handshake without a restart.
 */
export interface TlsIdentity {
  /** PEM private key. */
  readonly key: string;
  /** PEM certificate, leaf first, then any intermediates. */
  readonly cert: string;
}

/** Where listeners read the node's identity; implemented by the certificate service. */
export interface TlsIdentitySource {
  current(): TlsIdentity;
  /** Calls `listener` after each replacement; returns the unsubscribe function. */
  onChange(listener: (identity: TlsIdentity) => void): () => void;
}
