// A real OpenID Connect provider for the sign-on tests and the demo, on a loopback port.
// Configuration comes from the environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_REDIRECT_URIS (comma separated) and OIDC_ACCOUNTS (a JSON file like accounts.json).
// Its sign-in page takes a login name with no password: it is a test double for the council's
// identity provider, run only on 127.0.0.1 and never deployed.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.OIDC_PORT || 9400);
const issuer = `http://127.0.0.1:${port}`;
const accountsFile = process.env.OIDC_ACCOUNTS || join(here, 'accounts.json');
const people = JSON.parse(readFileSync(accountsFile, 'utf8')).accounts;
const byLogin = new Map(people.map((person) => [person.login, person]));
const bySub = new Map(people.map((person) => [person.sub, person]));

for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URIS']) {
  if (!process.env[name]) {
    console.error(`${name} must be set`);
    process.exit(2);
  }
}

const configuration = {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: process.env.OIDC_REDIRECT_URIS.split(','),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  // acr, amr and auth_time in every ID token, as Entra ID sends them: oidc-provider only adds a claim a
  // scope lists (or the request asks for), so without this a sign-in with MFA looks like a password alone.
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'] },
  // Entra ID puts email and name in the ID token; do the same so the client reads one token.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  cookies: { keys: [process.env.OIDC_COOKIE_KEY || `test-only-${process.pid}-${Date.now()}`] },
  async findAccount(ctx, sub) {
    const person = bySub.get(sub);
    if (!person) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: person.email, email_verified: person.email_verified, name: person.name };
      },
    };
  },
  // First-party client: no consent screen; grant the requested scopes.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;
const handleOidc = provider.callback();

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, uid, message = '') {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Login name</label> <input id="login" name="login" autocomplete="username">
<button type="submit">Sign in to the test provider</button></form></main></body></html>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return handleOidc(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') return page(res, details.uid);
    const form = await readForm(req);
    const person = byLogin.get(form.get('login') || '');
    if (!person) return page(res, details.uid, 'No such test account');
    if (person.disabled) {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'This account is disabled' }, { mergeWithLastSubmission: false });
    }
    const result = { login: { accountId: person.sub, amr: person.amr, acr: person.acr || (person.amr.includes('mfa') ? 'mfa' : 'pwd') } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } catch (error) {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end(`interaction failed: ${error.message}`);
  }
});

server.listen(port, '127.0.0.1', () => console.log(`test OpenID provider listening on ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
