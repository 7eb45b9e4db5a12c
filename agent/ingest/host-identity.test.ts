import { describe, expect, it } from 'vitest';
import { hostIdentity } from './host-identity.ts';

describe('hostIdentity: the registrable domain a server names', () => {
  it.each([
    ['https://api.acme.test/v1', 'acme.test'],
    ['https://API.Acme.test:443/v1/', 'acme.test'],
    ['http://scim.acme.test:8443', 'acme.test'],
    ['api.netlify.com/api/v1', 'netlify.com'],
    ['slack.com/api', 'slack.com'],
    ['//api.acme.test/v1', 'acme.test'],
    ['https://user@api.acme.test', 'acme.test'],
    ['https://api.acme.test./v1', 'acme.test'],
    ['https://{account}.snow.test/api/v2', 'snow.test'],
    ['https://{org}-{account}.snowflakecomputing.com', 'snowflakecomputing.com'],
    ['{protocol}://api.acme.test:{port}/v1', 'acme.test'],
    ['https://api.acme.co.uk', 'acme.co.uk'],
    ['https://api.acme.com.au/v2', 'acme.com.au'],
    ['https://api.acme.co', 'acme.co'],
    ['https://acme.herokuapp.com', 'acme.herokuapp.com'],
    ['https://abc123.execute-api.us-east-1.amazonaws.com/prod', 'abc123.execute-api.us-east-1.amazonaws.com'],
    ['https://bücher.test', 'xn--bcher-kva.test'],
    ['https://{shop}.myshopify.com/admin/api', 'myshopify.com'],
    ['https://api.yourmembership.com', 'yourmembership.com'],
    ['https://8.8.8.8/api', '8.8.8.8'],
    ['https://[2606:4700::1111]:443/api', '[2606:4700::1111]'],
  ])('%s → %s', (url, identity) => {
    expect(hostIdentity(url)).toBe(identity);
  });
});

describe('hostIdentity: a host that could be anyone\'s names nothing', () => {
  it.each([
    ['relative', '/hub/api'],
    ['root', '/'],
    ['empty', ''],
    ['placeholder host', 'https://{host}/api/v4'],
    ['placeholders only', 'https://{subdomain}.{site}'],
    ['placeholder in the registrable domain', 'https://api.{vendor}.com'],
    ['placeholder scheme and host', '{protocol}://{name}'],
    ['angle-bracket stand-in', 'https://<your-domain>/api'],
    ['underscore stand-in', 'https://YOUR_DOMAIN.com'],
    ['your-domain.com', 'https://api.your-domain.com'],
    ['mycompany.com', 'https://mycompany.com/api'],
    ['your-mattermost-url.com', 'https://your-mattermost-url.com/api/v4'],
    ['localhost', 'http://localhost:8080'],
    ['a .localhost name', 'http://api.localhost'],
    ['a single-label intranet name', 'http://build-server:8080'],
    ['.local', 'http://printer.local'],
    ['.internal', 'https://api.corp.internal'],
    ['.example', 'https://api.acme.example'],
    ['example.com', 'https://api.example.com/v1'],
    ['example.test', 'https://keycloak.example.test/admin'],
    ['example.co.uk', 'https://example.co.uk'],
    ['a placeholder on a shared cloud host', 'https://{app}.herokuapp.com'],
    ['loopback', 'http://127.0.0.1:8080'],
    ['unspecified', 'http://0.0.0.0'],
    ['10/8', 'http://10.1.2.3'],
    ['172.16/12', 'http://172.20.0.5'],
    ['192.168/16', 'http://192.168.1.10/api'],
    ['link-local', 'http://169.254.169.254'],
    ['CGNAT', 'http://100.64.0.1'],
    ['documentation range', 'https://203.0.113.7'],
    ['IPv6 loopback', 'http://[::1]:8080'],
    ['IPv6 unique local', 'http://[fd00::1]'],
    ['IPv6 link-local', 'http://[fe80::1]'],
    ['IPv6 documentation', 'http://[2001:db8::1]'],
    ['IPv4-mapped private', 'http://[::ffff:10.0.0.1]'],
    ['a numeric last label', 'http://10.1.2'],
  ])('%s: %s', (_, url) => {
    expect(hostIdentity(url)).toBeUndefined();
  });
});
