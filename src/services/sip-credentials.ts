/**
 * Device > Phone > SIP credentials: a device's digest user and password, set by the API, the UI,
 * a CSV import or a migrate job. The store keeps the HA1 values (what verification uses) and the
 * password sealed with the node's secret key (what the phone's configuration file carries); the
 * password is never returned.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import {
  credentialHashes,
  defaultDigestUser,
  digestUserProblem,
  SIP_DIGEST_REALM,
  sipPasswordProblem,
} from '../core/sip-credential.js';
import { isUniqueViolation } from '../store/errors.js';
import type { SipCredential } from '../store/credential-repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { ConflictError, NotFoundError, ValidationError } from './configuration-service.js';
import type { LiveEvents } from './live-events.js';
import type { LiveRegistry } from './live-registry.js';
import type { SecretBox } from './secret-box.js';

/** What anyone may read of a device's credentials: never the password. */
export interface SipCredentialSummary {
  deviceName: string;
  /** The device has a digest user and password. */
  configured: boolean;
  username: string | null;
  /** The digest user the device gets when none is given (its device name). */
  defaultUsername: string;
  /** The phone's configuration files carry the password (false: see `problem`). */
  passwordInConfigFiles: boolean;
  /** Why a configured password is not in the configuration files; null otherwise. */
  problem: string | null;
  updatedAt: string | null;
}

/** Credentials to set; the digest user defaults to the current one, else to the device name. */
export interface SipCredentialInput {
  username?: string;
  password: string;
}

/** What the configuration files carry for a device's lines (provisioning/device-config.ts). */
export interface ConfigFileCredentials {
  authName: string;
  /** Absent when no password is stored or this node's key cannot read it. */
  authPassword?: string;
}

// Letters and digits without look-alikes (0/O, 1/l/I): read from a report and typed into a phone.
const GENERATED_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const GENERATED_LENGTH = 20;

/** A random password every phone takes: 20 characters (~115 bits), letters and digits only. */
export function generateSipPassword(): string {
  let out = '';
  for (let i = 0; i < GENERATED_LENGTH; i++) out += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return out;
}

/** What a generated password waiting for collection is bound to. */
function handoutContext(jobId: string, deviceName: string, username: string): string {
  return `sip-password-handout\n${jobId}\n${deviceName}\n${username}`;
}

/** What the sealed password is bound to: a copy in another device's row, or for another user, does not open. */
function sealContext(deviceName: string, username: string): string {
  return `sip-password\n${deviceName}\n${username}`;
}

export class SipCredentialService {
  /** Devices whose unreadable password was already logged, with the key that sealed it. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly deps: {
      store: Store;
      box: SecretBox;
      /** Where the node's secret key is, for messages. */
      keyPath: string;
      clock: Clock;
      live: LiveEvents;
      registry: LiveRegistry;
      logger: Logger;
    },
  ) {}

  async get(deviceName: string): Promise<SipCredentialSummary> {
    await this.device(deviceName);
    const summary = this.summary(deviceName, await this.deps.store.credentials.byDevice(deviceName));
    if (!summary.passwordInConfigFiles) return summary;
    // The files of a phone with a secure profile never carry its password (security-settings.ts).
    const profileName = await this.deps.store.securityProfiles.ofDevice(deviceName);
    const profile = profileName === null ? null : await this.deps.store.securityProfiles.get(profileName);
    if (profile === null || profile.deviceSecurityMode === 'non-secure') return summary;
    return {
      ...summary,
      passwordInConfigFiles: false,
      problem:
        `its Phone Security Profile "${profile.name}" is ${profile.deviceSecurityMode}: configuration files travel in ` +
        'clear, so they carry the digest user but not the password; give the phone its password another way, or a Non Secure profile',
    };
  }

  /** Sets the device's credentials; the summary before and after (for the audit log). */
  async set(
    deviceName: string,
    input: SipCredentialInput,
  ): Promise<{ before: SipCredentialSummary; after: SipCredentialSummary }> {
    await this.device(deviceName);
    const current = await this.deps.store.credentials.byDevice(deviceName);
    const username = input.username ?? current?.username ?? defaultDigestUser(deviceName);
    const userProblem = digestUserProblem(username, deviceName);
    if (userProblem) throw new ValidationError({ field: 'username', message: userProblem });
    const passwordProblem = sipPasswordProblem(input.password);
    if (passwordProblem) throw new ValidationError({ field: 'password', message: passwordProblem });
    try {
      await this.deps.store.transaction((tx) => this.write(tx, deviceName, username, input.password));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(await this.userTaken(username, deviceName));
      throw error;
    }
    this.deps.logger.info(
      { device: deviceName },
      `SIP credentials of ${deviceName} set (digest user ${username})`,
    );
    this.changed(deviceName);
    return { before: this.summary(deviceName, current), after: await this.get(deviceName) };
  }

  /**
   * Writes credentials inside `tx` (a CSV import or a migration writes them with the device); the
   * caller has checked the rules and announces the change once committed (`changed`).
   */
  async write(tx: Repositories, deviceName: string, username: string, password: string): Promise<void> {
    // A generated password not collected yet would no longer be the device's.
    await tx.credentials.dropHandouts(deviceName);
    await tx.credentials.set(
      {
        deviceName,
        username,
        realm: SIP_DIGEST_REALM,
        ...credentialHashes(username, SIP_DIGEST_REALM, password),
        passwordSealed: this.deps.box.seal(password, sealContext(deviceName, username)),
      },
      this.deps.clock(),
    );
  }

  /** Removes the device's credentials: it registers without a password again, while that is allowed. */
  async remove(deviceName: string): Promise<{ before: SipCredentialSummary; after: SipCredentialSummary }> {
    await this.device(deviceName);
    const current = await this.deps.store.credentials.byDevice(deviceName);
    if (current === null) throw new NotFoundError(`${deviceName} has no SIP credentials`);
    await this.deps.store.transaction(async (tx) => {
      await tx.credentials.dropHandouts(deviceName);
      await tx.credentials.remove(deviceName);
    });
    this.deps.logger.info({ device: deviceName }, `SIP credentials of ${deviceName} removed`);
    this.changed(deviceName);
    return { before: this.summary(deviceName, current), after: await this.get(deviceName) };
  }

  /**
   * For a migrate job (inside its transaction): credentials with a generated password for a device
   * that has none, the password kept sealed until an administrator collects it once
   * (`takeGenerated`). A device that has credentials keeps them.
   */
  async generate(
    tx: Repositories,
    deviceName: string,
    jobId: string,
  ): Promise<{ username: string; created: boolean } | { username: string; taken: string }> {
    const current = await tx.credentials.byDevice(deviceName);
    if (current !== null) return { username: current.username, created: false };
    const username = defaultDigestUser(deviceName);
    const holder = await tx.credentials.byUsername(username);
    if (holder !== null) return { username, taken: holder.deviceName };
    const password = generateSipPassword();
    await this.write(tx, deviceName, username, password);
    await tx.credentials.addHandout({
      jobId,
      deviceName,
      username,
      passwordSealed: this.deps.box.seal(password, handoutContext(jobId, deviceName, username)),
      createdAt: this.deps.clock().toISOString(),
    });
    return { username, created: true };
  }

  /**
   * The passwords `jobId` generated and nobody collected yet, opened, and forgotten (inside `tx`):
   * each is handed out once. A password this node's key cannot open is listed without it.
   */
  async takeGenerated(
    tx: Repositories,
    jobId: string,
  ): Promise<{ deviceName: string; username: string; password: string | null }[]> {
    const handouts = await tx.credentials.takeHandouts(jobId);
    return handouts.map((h) => {
      const opened = this.deps.box.open(h.passwordSealed, handoutContext(jobId, h.deviceName, h.username));
      return { deviceName: h.deviceName, username: h.username, password: opened.ok ? opened.value : null };
    });
  }

  /** How many generated passwords of `jobId` wait to be collected. */
  waitingGenerated(jobId: string): Promise<number> {
    return this.deps.store.credentials.countHandouts(jobId);
  }

  /** The device's credentials changed (committed): its next REGISTER and configuration file use them. */
  changed(deviceName: string): void {
    this.deps.live.emit('configuration-changed', { what: 'device', name: deviceName });
  }

  /**
   * Says at start-up when stored SIP passwords were sealed with another secret key than this
   * node's: their phones' configuration files would go out without a password.
   */
  async checkKey(): Promise<void> {
    const { box, keyPath, logger } = this.deps;
    const byKey = await this.deps.store.credentials.sealedPasswordsByKey();
    const foreign = [...byKey].filter(([id]) => id !== box.keyId);
    if (foreign.length === 0) return;
    const count = foreign.reduce((n, [, c]) => n + c, 0);
    logger.error(
      { secretKey: keyPath, keyId: box.keyId, foreignKeys: foreign.map(([id]) => id) },
      `${count} SIP password(s) in the database were sealed with another secret key (${foreign.map(([id]) => id).join(', ')}) ` +
        `than this node's (${box.keyId}, ${keyPath}): their phones' configuration files go out without the password, so ` +
        'those phones cannot answer digest challenges. Copy the key file of the node that set them here (--secret-key-file, ' +
        'every node sharing the database needs the same), or set those passwords again',
    );
  }

  /** Whether the device is registered on this node now (it must be reset to load new credentials). */
  registeredHere(deviceName: string): boolean {
    return this.deps.registry.get(deviceName) !== undefined;
  }

  /** The digest user and password the device's configuration files carry, or null without credentials. */
  async forConfigFile(deviceName: string): Promise<ConfigFileCredentials | null> {
    const credential = await this.deps.store.credentials.byDevice(deviceName);
    if (credential === null) return null;
    const password = this.open(credential);
    if (password.ok) return { authName: credential.username, authPassword: password.value };
    const key = `${deviceName}:${password.keyId ?? ''}`;
    if (password.problem !== null && !this.warned.has(key)) {
      this.warned.add(key);
      this.deps.logger.warn(
        { device: deviceName },
        `the configuration files of ${deviceName} go out without its SIP password: ${password.problem}`,
      );
    }
    return { authName: credential.username };
  }

  private open(
    credential: SipCredential,
  ): { ok: true; value: string } | { ok: false; problem: string | null; keyId?: string } {
    if (credential.passwordSealed === null) {
      return {
        ok: false,
        problem:
          'no password is stored for it (credentials set before openucm kept them): set the password again',
      };
    }
    const opened = this.deps.box.open(
      credential.passwordSealed,
      sealContext(credential.deviceName, credential.username),
    );
    if (opened.ok) return opened;
    const { keyId } = opened;
    const problem =
      opened.reason === 'other-key'
        ? `the password was sealed with secret key ${keyId ?? '?'}, and this node's key (${this.deps.keyPath}) is ` +
          `${this.deps.box.keyId}: copy the key file of the node that set it (--secret-key-file), or set the password again`
        : 'the stored password cannot be read (damaged): set the password again';
    return { ok: false, problem, keyId };
  }

  private summary(deviceName: string, credential: SipCredential | null): SipCredentialSummary {
    const readable = credential === null ? null : this.open(credential);
    return {
      deviceName,
      configured: credential !== null,
      username: credential?.username ?? null,
      defaultUsername: defaultDigestUser(deviceName),
      passwordInConfigFiles: readable?.ok === true,
      problem: readable === null || readable.ok ? null : readable.problem,
      updatedAt: credential?.updatedAt ?? null,
    };
  }

  private async device(deviceName: string): Promise<void> {
    if (!(await this.deps.store.devices.find(deviceName)))
      throw new NotFoundError(`phone ${deviceName} does not exist`);
  }

  private async userTaken(username: string, deviceName: string): Promise<string> {
    const holder = await this.deps.store.credentials.byUsername(username);
    const who = holder && holder.deviceName !== deviceName ? holder.deviceName : 'another device';
    return `digest user ${username} belongs to ${who}; each digest user identifies one device: choose another for ${deviceName}`;
  }
}
