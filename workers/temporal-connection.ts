import type { TLSConfig } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import type { Config } from './config.js';

/** What both `NativeConnection.connect` (worker) and `Connection.connect` (controller) take from the configuration. */
export interface TemporalConnectionOptions {
  address: string;
  /** `false`: plaintext; `true`: TLS verified against the system's roots; an object: custom CA, client pair, server name. */
  tls: TLSConfig | boolean;
  apiKey?: string;
}

type TemporalSettings = Pick<
  Config,
  | 'temporalAddress'
  | 'temporalTls'
  | 'temporalTlsServerCaCertPath'
  | 'temporalTlsClientCertPath'
  | 'temporalTlsClientKeyPath'
  | 'temporalTlsServerName'
  | 'temporalApiKey'
>;

/**
 * Builds the Temporal connection options from the configuration, reading the PEM files named in
 * it. TLS is on when asked for, or, when `temporalTls` is unset, as soon as any TLS setting or an
 * API key is given: Temporal Cloud takes API keys over TLS only.
 *
 * @example temporalConnectionOptions({ temporalAddress: 'ns.acct.tmprl.cloud:7233', temporalApiKey: key })
 * // → { address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: key }
 */
export function temporalConnectionOptions(
  config: TemporalSettings,
  readFile: (file: string) => Uint8Array = readFileSync
): TemporalConnectionOptions {
  const custom: TLSConfig = {};
  if (config.temporalTlsServerName) custom.serverNameOverride = config.temporalTlsServerName;
  if (config.temporalTlsServerCaCertPath) custom.serverRootCACertificate = readFile(config.temporalTlsServerCaCertPath);
  if (config.temporalTlsClientCertPath && config.temporalTlsClientKeyPath)
    custom.clientCertPair = {
      crt: readFile(config.temporalTlsClientCertPath),
      key: readFile(config.temporalTlsClientKeyPath),
    };
  const customised = Object.keys(custom).length > 0;
  const wanted = config.temporalTls ?? (customised || config.temporalApiKey !== undefined);
  return {
    address: config.temporalAddress,
    tls: wanted ? (customised ? custom : true) : false,
    ...(config.temporalApiKey ? { apiKey: config.temporalApiKey } : {}),
  };
}
