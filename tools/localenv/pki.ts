import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** File paths of the local control plane's certificates and keys. */
export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd });
}

/** Issues a certificate signed by the local CA; `ext` is an openssl extension section (SANs, usages). */
async function issue(dir: string, name: string, subject: string, ext: string): Promise<void> {
  await writeFile(path.join(dir, `${name}.ext`), ext);
  await openssl(['genrsa', '-out', `${name}.key`, '2048'], dir);
  await openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
    ].concat(['-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]),
    dir
  );
}

/**
 * Creates a throwaway CA, the apiserver's serving certificate (127.0.0.1/localhost), an admin client
 * certificate in group system:masters, and the service-account signing key pair.
 */
export async function createPki(dir: string): Promise<Pki> {
  await openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt'].concat([
      '-days',
      '30',
      '-subj',
      '/CN=ballast-local-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]),
    dir
  );
  await issue(
    dir,
    'server',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n'
  );
  await issue(dir, 'admin', '/O=system:masters/CN=ballast-admin', 'extendedKeyUsage=clientAuth\n');
  await openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  await openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  const p = (f: string): string => path.join(dir, f);
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
}

/** Writes a kubeconfig for the admin user, certificates inlined so the file can be copied anywhere. */
export async function writeKubeconfig(file: string, server: string, pki: Pki): Promise<void> {
  const b64 = async (f: string): Promise<string> => (await readFile(f)).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'ballast-local', cluster: { server, 'certificate-authority-data': await b64(pki.caCert) } }],
    users: [
      {
        name: 'ballast-admin',
        user: { 'client-certificate-data': await b64(pki.adminCert), 'client-key-data': await b64(pki.adminKey) },
      },
    ],
    contexts: [{ name: 'ballast-local', context: { cluster: 'ballast-local', user: 'ballast-admin' } }],
    'current-context': 'ballast-local',
  };
  await writeFile(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}
