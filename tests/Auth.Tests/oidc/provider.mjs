// A real OpenID Connect provider for the auth app's tests: oauth2-mock-server (npm) with an RS256 key, discovery,
// JWKS, authorization code + PKCE verification and nonce echo. The test picks the user with `login_hint`
// (forwarded by the auth app); prefixes select bad behaviour to prove the app rejects it:
//   unverified+  email_verified false     badnonce+  wrong nonce     wrongaud+  other audience     expired+  expired
//   wrongiss+    another issuer
// Prints {"issuer": "..."} once listening; exits when stdin closes (the test process ended or disposed it).
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
const hints = new Map();

server.service.on('beforeAuthorizeRedirect', (redirect, req) => {
  if (typeof req.query.login_hint === 'string') {
    hints.set(redirect.url.searchParams.get('code'), req.query.login_hint);
  }
});

server.service.on('beforeTokenSigning', (token, req) => {
  const hint = hints.get(req.body.code);
  if (!hint) return;
  const [, flag, email] = /^(?:(unverified|badnonce|wrongaud|expired|wrongiss)\+)?(.*)$/.exec(hint);
  token.payload.sub = 'sub-' + email;
  token.payload.email = email;
  token.payload.email_verified = flag !== 'unverified';
  if (token.payload.nonce !== undefined && flag === 'badnonce') token.payload.nonce = 'not-the-nonce';
  if (token.payload.aud !== undefined && flag === 'wrongaud') token.payload.aud = 'someone-else';
  if (flag === 'wrongiss') token.payload.iss = 'https://evil.example';
  if (flag === 'expired') { token.payload.iat -= 7200; token.payload.nbf -= 7200; token.payload.exp = token.payload.iat + 60; }
});

await server.start(0, '127.0.0.1');
const port = server.address().port;
server.issuer.url = `http://127.0.0.1:${port}`;
console.log(JSON.stringify({ issuer: server.issuer.url }));

process.stdin.on('end', () => server.stop().finally(() => process.exit(0)));
process.stdin.resume();
