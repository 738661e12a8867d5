import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { temporalConnectionOptions } from '../../../workers/temporal-connection.js';

/** A fake file system: each path reads as its own name, so the test sees which file went where. */
const read = (file: string): Uint8Array => new TextEncoder().encode(`pem of ${file}`);
const text = (bytes: Uint8Array | undefined): string | undefined => bytes && new TextDecoder().decode(bytes);
const address = 'temporal.example:7233';

describe('temporalConnectionOptions', () => {
  it('connects in plaintext when nothing about TLS is configured', () => {
    assert.deepEqual(temporalConnectionOptions({ temporalAddress: address }, read), { address, tls: false });
  });

  it('turns TLS on with the system roots for an API key (Temporal Cloud)', () => {
    assert.deepEqual(temporalConnectionOptions({ temporalAddress: address, temporalApiKey: 'k' }, read), {
      address,
      tls: true,
      apiKey: 'k',
    });
  });

  it('passes the CA, the client pair and the server name for mTLS', () => {
    const opts = temporalConnectionOptions(
      {
        temporalAddress: address,
        temporalTlsServerCaCertPath: '/tls/ca.crt',
        temporalTlsClientCertPath: '/tls/tls.crt',
        temporalTlsClientKeyPath: '/tls/tls.key',
        temporalTlsServerName: 'frontend.temporal',
      },
      read
    );
    assert.ok(typeof opts.tls === 'object');
    assert.equal(opts.tls.serverNameOverride, 'frontend.temporal');
    assert.equal(text(opts.tls.serverRootCACertificate), 'pem of /tls/ca.crt');
    assert.equal(text(opts.tls.clientCertPair?.crt), 'pem of /tls/tls.crt');
    assert.equal(text(opts.tls.clientCertPair?.key), 'pem of /tls/tls.key');
    assert.equal(opts.apiKey, undefined);
  });

  it('uses TLS with the system roots when only TEMPORAL_TLS says so', () => {
    assert.equal(temporalConnectionOptions({ temporalAddress: address, temporalTls: true }, read).tls, true);
  });

  it('keeps TLS off when explicitly off, even with an API key (e.g. behind a TLS-terminating proxy)', () => {
    const opts = temporalConnectionOptions({ temporalAddress: address, temporalTls: false, temporalApiKey: 'k' }, read);
    assert.deepEqual(opts, { address, tls: false, apiKey: 'k' });
  });
});
