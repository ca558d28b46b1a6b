import { isIP } from 'node:net'

const DNS_NAME = /^(?=.{1,253}$)(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

/** HTTPS's host names: a comma-separated list of DNS names and IP addresses ([::1] too); undefined when one is neither. */
export function httpsHosts (text: string): string[] | undefined {
  const hosts = text.split(',').map(item => item.trim().replace(/^\[(.*)\]$/, '$1'))
  return hosts.every(host => isIP(host) !== 0 || DNS_NAME.test(host)) ? hosts : undefined
}
