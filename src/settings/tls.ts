// HTTPS (docs/https.md): the key pair from TLS_CERT/TLS_KEY, or a self-signed certificate made at start for the host
// names HTTPS gives, written to a file a client can trust (curl --cacert, NODE_EXTRA_CA_CERTS, a fetch dispatcher's ca).
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from './config.js'
import { httpsHosts } from '../domain/tls-hosts.js'

/**
 * How long a connection may take to finish its TLS handshake: as long as a request's head may take (headersTimeout in
 * src/server.ts). Node's default of 120 s let a client that never says hello hold a socket for two minutes.
 */
export const HANDSHAKE_TIMEOUT_MS = 10_000

export interface Tls {
  key: string
  cert: string
  /** The certificate's file: TLS_CERT, or where the generated one was written. */
  certPath: string
  /** SHA-256 fingerprint, colon-separated hex, as browsers and openssl x509 -fingerprint -sha256 show it. */
  fingerprint: string
  /** Deletes a generated certificate's folder; nothing for TLS_CERT's own file. */
  dispose: () => void
}

export interface TlsSettings {
  TLS_CERT?: string | undefined
  TLS_KEY?: string | undefined
  HTTPS?: string | undefined
}

/** The key pair to serve, or undefined without HTTPS; a ConfigError naming the setting when it cannot be used. */
export async function loadTls (settings: TlsSettings): Promise<Tls | undefined> {
  if (settings.TLS_CERT !== undefined && settings.TLS_KEY !== undefined) return readPair(settings.TLS_CERT, settings.TLS_KEY)
  if (settings.HTTPS !== undefined) return await generate(httpsHosts(settings.HTTPS) ?? [])
  return undefined
}

function readPem (setting: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException
    throw new ConfigError(`${setting} ${path} cannot be read (${code ?? String(error)}): set ${setting} to a readable PEM file`)
  }
}

function readPair (certPath: string, keyPath: string): Tls {
  const cert = readPem('TLS_CERT', certPath)
  const key = readPem('TLS_KEY', keyPath)
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch {
    throw new ConfigError(`TLS_CERT ${certPath} is not a PEM certificate (-----BEGIN CERTIFICATE-----): set TLS_CERT to the certificate, TLS_KEY to its private key`)
  }
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(key)
  } catch {
    throw new ConfigError(`TLS_KEY ${keyPath} is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----): set TLS_KEY to the certificate's private key`)
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new ConfigError(`TLS_KEY ${keyPath} is not the private key of the certificate TLS_CERT ${certPath}: set TLS_CERT and TLS_KEY to one pair`)
  }
  return { key, cert, certPath, fingerprint: x509.fingerprint256, dispose: () => {} }
}

async function generate (hosts: string[]): Promise<Tls> {
  // Loaded only here: a server without HTTPS never loads the X.509 toolkit.
  const { generate: selfSigned } = await import('selfsigned')
  const notBeforeDate = new Date(Date.now() - 60_000)
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 86_400_000)
  const pems = await selfSigned([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      // A leaf, not a CA: clients that check (Go, rustls) refuse a CA certificate presented by a server.
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map(host => isIP(host) === 0 ? { type: 2, value: host } : { type: 7, ip: host }) }
    ]
  })
  const folder = mkdtempSync(join(tmpdir(), 'basic-admin-mock-tls-'))
  const certPath = join(folder, 'cert.pem')
  writeFileSync(certPath, pems.cert)
  return {
    key: pems.private,
    cert: pems.cert,
    certPath,
    fingerprint: new X509Certificate(pems.cert).fingerprint256,
    dispose: () => { rmSync(folder, { recursive: true, force: true }) }
  }
}
