// Which proxy a request uses: HTTPS_PROXY / HTTP_PROXY by the target's scheme, NO_PROXY as curl
// reads it (host and its subdomains, exact IPs, optional port, "*"), and the variables as config reads them.
import { describe, expect, it } from 'vitest';
import { bypasses, proxyFor } from '../../src/adapters/proxy.js';
import { loadConfig } from '../../src/config.js';
import { UsageError } from '../../src/core/errors.js';

const API = 'https://data.elexon.co.uk/bmrs/api/v1';

describe('NO_PROXY', () => {
  it.each<[string, string, boolean]>([
    [API, 'elexon.co.uk', true],
    [API, '.elexon.co.uk', true],
    [API, '*.elexon.co.uk', true],
    [API, 'data.elexon.co.uk', true],
    [API, 'DATA.Elexon.co.uk.', true],
    [API, 'xelexon.co.uk', false],
    [API, 'co.uk.evil', false],
    [API, 'other.example, elexon.co.uk', true],
    [API, 'other.example elexon.co.uk', true],
    [API, 'elexon.co.uk:443', true],
    [API, 'elexon.co.uk:8443', false],
    [API, '*', true],
    [API, '', false],
    [API, ' , ', false],
    ['http://127.0.0.1:8080/x', '127.0.0.1', true],
    ['http://127.0.0.1:8080/x', '127.0.0.1:8080', true],
    ['http://127.0.0.1:8080/x', '127.0.0.1:9090', false],
    ['http://127.0.0.1:8080/x', '0.0.1', false],
    ['http://127.0.0.1:8080/x', 'localhost', false],
    ['http://localhost:8080/x', 'localhost', true],
    ['http://[::1]:8080/x', '::1', true],
    ['http://[::1]:8080/x', '[::1]:8080', true],
    ['http://[::1]:8080/x', '[::1]:80', false],
  ])('%s with NO_PROXY=%j: bypass %s', (url, noProxy, expected) => {
    expect(bypasses(new URL(url), noProxy)).toBe(expected);
  });
});

describe('proxyFor', () => {
  const env = { httpProxy: 'http://plain:3128', httpsProxy: 'http://user:pw@secure:3128' };
  it('HTTPS_PROXY for https targets, HTTP_PROXY for http targets', () => {
    expect(proxyFor(new URL(API), env)).toMatchObject({ variable: 'HTTPS_PROXY', url: new URL('http://user:pw@secure:3128') });
    expect(proxyFor(new URL('http://127.0.0.1:8080'), env)).toMatchObject({ variable: 'HTTP_PROXY', url: new URL('http://plain:3128') });
  });
  it('none set, or NO_PROXY matching: none', () => {
    expect(proxyFor(new URL(API), {})).toBeUndefined();
    expect(proxyFor(new URL(API), { ...env, noProxy: 'elexon.co.uk' })).toBeUndefined();
  });
  it('a proxy without a scheme is http://', () => {
    expect(proxyFor(new URL(API), { httpsProxy: 'proxy.corp:8080' })?.url.href).toBe('http://proxy.corp:8080/');
  });
  it('a value that is not an http(s) URL is a usage error, the password hidden', () => {
    expect(() => proxyFor(new URL(API), { httpsProxy: 'socks5://u:secret@p:1080' })).toThrow(UsageError);
    expect(() => proxyFor(new URL(API), { httpsProxy: 'socks5://u:secret@p:1080' })).toThrow(/^HTTPS_PROXY is not an http\(s\) proxy URL: socks5:\/\/\*\*\*@p:1080$/);
  });
});

describe('config', () => {
  it('reads the proxy variables, lower case first, empty as unset', () => {
    expect(loadConfig({}, {}).proxy).toEqual({ httpProxy: undefined, httpsProxy: undefined, noProxy: undefined });
    const env = { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1', HTTP_PROXY: 'http://h:2', no_proxy: '', NO_PROXY: 'localhost' };
    expect(loadConfig({}, env).proxy).toEqual({ httpProxy: 'http://h:2', httpsProxy: 'http://lower:1', noProxy: 'localhost' });
  });
});
