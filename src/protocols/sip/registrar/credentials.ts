/** SIP digest credentials of a device, as the registrar reads them (the store implements the lookup). */
export interface StoredCredential {
  readonly deviceName: string;
  /** The digest user name (RFC 7616 `username`): a DN or any name the phone is configured with. */
  readonly username: string;
  /** The realm the HA1 values were computed for. */
  readonly realm: string;
  /** H(username:realm:password) with MD5 and with SHA-256 (RFC 8760), lower-case hex. */
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
}

export interface CredentialLookup {
  byDevice(deviceName: string): Promise<StoredCredential | null>;
  byUsername(username: string): Promise<StoredCredential | null>;
}
