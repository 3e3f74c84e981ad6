// A Keycloak-shaped OpenID Provider for Portal's tests, built on the certified `oidc-provider` package.
//
//   node server.mjs --port 0 --realm portal --key-file /tmp/run/signing-key.json
//
// Prints one JSON line to stdout once listening: {"ready":true,"issuer":"http://127.0.0.1:PORT/realms/portal",...}.
// Everything listens on 127.0.0.1 only. Shaped like a Keycloak realm:
//   - issuer `/realms/<realm>`, Keycloak's endpoint paths (`/protocol/openid-connect/auth`, `/token`, ...);
//   - claims `preferred_username`, `email`, `name`, `realm_access.roles`, `resource_access.<client>.roles`, `groups`
//     (full group paths such as `/tenants/acme`);
//   - a minimal login page with Keycloak's field ids (`username`, `password`, `kc-login`) and no external assets.
// Test-only admin API (no authentication; loopback only):
//   PUT  /admin/realms/<realm>/clients/<clientId>   {secret, redirectUris, postLogoutRedirectUris}
//   PUT  /admin/realms/<realm>/users/<username>     {password, email, name, groups, realmRoles, clientRoles}
//   POST /admin/realms/<realm>/settings             {idTokenMappers: bool}  (false: roles/groups only in userinfo)
//   POST /admin/realms/<realm>/reset                restores the seed users and settings
//   GET  /admin/realms/<realm>/events               sign-ins and sign-outs seen so far
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Provider from 'oidc-provider';

const args = parseArgs(process.argv.slice(2));
const realm = args.realm ?? 'portal';
const requestedPort = Number(args.port ?? 0);
const keyFile = args['key-file'];
const realmPrefix = `/realms/${realm}`;
const adminPrefix = `/admin/realms/${realm}`;

// ---- realm data ----

const seedUsers = () => ({
  alice: { password: 'alice-password', email: 'alice@acme.test', name: 'Alice Anders', groups: ['/tenants/acme'], realmRoles: [] },
  bob: { password: 'bob-password', email: 'bob@globex.test', name: 'Bob Berg', groups: ['/tenants/globex'], realmRoles: [] },
  carol: { password: 'carol-password', email: 'carol@portal.test', name: 'Carol Chen', groups: [], realmRoles: ['portal-platform-admin'] },
  dave: { password: 'dave-password', email: 'dave@initech.test', name: 'Dave Dunn', groups: ['/tenants/initech'], realmRoles: [] },
  erin: { password: 'erin-password', email: 'erin@acme.test', name: 'Erin Eck', groups: ['/tenants/acme/admins', '/tenants/globex/viewers'], realmRoles: [] },
});
const seedSettings = () => ({ idTokenMappers: true });

let users = seedUsers();
let settings = seedSettings();
const events = [];

/** Keycloak subjects are UUIDs; derive a stable one from the user name so restarts keep identities. */
function subjectOf(username) {
  const hex = crypto.createHash('sha256').update(`${realm}:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function userBySubject(sub) {
  const username = Object.keys(users).find((name) => subjectOf(name) === sub);
  return username ? { username, ...users[username] } : undefined;
}

// ---- storage: oidc-provider's adapter interface over one Map, so the admin API can register clients ----

const store = new Map();
class Adapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    if (this.model === 'Session' && payload.uid) store.set(`SessionUid:${payload.uid}`, { payload: id });
  }
  async find(id) {
    const entry = store.get(this.key(id));
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt < Date.now()) { store.delete(this.key(id)); return undefined; }
    return entry.payload;
  }
  async findByUid(uid) { const id = store.get(`SessionUid:${uid}`)?.payload; return id ? this.find(id) : undefined; }
  async findByUserCode() { return undefined; }
  async consume(id) { const entry = store.get(this.key(id)); if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const [key, entry] of store) if (entry.payload?.grantId === grantId && !key.startsWith('Grant:')) store.delete(key);
  }
}

// ---- signing key: stable for the whole test run (the file outlives restarts) ----

function loadSigningKey() {
  if (keyFile && fs.existsSync(keyFile)) return JSON.parse(fs.readFileSync(keyFile, 'utf8'));
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
  if (keyFile) {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    fs.writeFileSync(keyFile, JSON.stringify(jwk), { mode: 0o600 });
  }
  return jwk;
}

// ---- pages (no external fonts or scripts) ----

const css = `body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f0f2f5;color:#1f2933}
header{background:#24313f;color:#fff;padding:18px 0;text-align:center;letter-spacing:.2em;text-transform:uppercase;font-size:14px}
main{max-width:380px;margin:48px auto;background:#fff;border-top:4px solid #0066cc;box-shadow:0 2px 8px rgba(0,0,0,.12);padding:28px 32px}
h1{font-size:22px;font-weight:500;margin:0 0 20px}label{display:block;font-size:14px;margin:14px 0 6px}
input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:9px 10px;border:1px solid #b8c2cc;border-radius:3px;font-size:15px}
.actions{display:flex;gap:10px;margin-top:22px}button{flex:1;padding:10px;font-size:15px;border:0;border-radius:3px;cursor:pointer}
#kc-login{background:#0066cc;color:#fff}#kc-cancel{background:#e4e7eb;color:#1f2933}
.alert{background:#fdecea;color:#a61b1b;border-left:4px solid #d93025;padding:10px 12px;font-size:14px;margin-bottom:6px}
p{font-size:14px;line-height:1.5}`;

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${css}</style></head>
<body><header>${escape(realm)} realm</header><main>${body}</main></body></html>`;
}

function loginPage(uid, { error, username } = {}) {
  return page('Sign in to your account', `<h1 id="kc-page-title">Sign in to your account</h1>
${error ? `<div class="alert" role="alert"><span id="input-error">${escape(error)}</span></div>` : ''}
<form id="kc-form-login" method="post" action="${realmPrefix}/interaction/${uid}/login" autocomplete="off">
<label for="username">Username or email</label><input id="username" name="username" type="text" value="${escape(username ?? '')}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password">
<div class="actions"><button id="kc-login" name="login" type="submit">Sign In</button>
<button id="kc-cancel" name="cancel" type="submit" formaction="${realmPrefix}/interaction/${uid}/abort">Cancel</button></div>
</form>`);
}

function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// ---- the provider ----

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(`test-oidc: ${req.method} ${req.url} failed: ${error.stack ?? error}`);
    if (!res.headersSent) { res.statusCode = 500; res.end('internal error'); }
  });
});

let provider;
let issuer;

await new Promise((resolve) => server.listen(requestedPort, '127.0.0.1', resolve));
const { port } = server.address();
issuer = `http://127.0.0.1:${port}${realmPrefix}`;
const signingKey = loadSigningKey();

provider = new Provider(issuer, {
  adapter: Adapter,
  clients: [],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.createHash('sha256').update(JSON.stringify(signingKey)).digest('base64url')] },
  // Keycloak's paths under the realm.
  routes: {
    authorization: '/protocol/openid-connect/auth',
    token: '/protocol/openid-connect/token',
    userinfo: '/protocol/openid-connect/userinfo',
    jwks: '/protocol/openid-connect/certs',
    end_session: '/protocol/openid-connect/logout',
    introspection: '/protocol/openid-connect/token/introspect',
    revocation: '/protocol/openid-connect/revoke',
  },
  // Keycloak's default client scopes always apply; here the role and group claims ride on `openid`.
  claims: {
    openid: ['sub', 'preferred_username', 'realm_access', 'resource_access', 'groups'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  // Profile and role claims in the id_token too, as Keycloak's mappers do by default.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // Keycloak asks nothing when the request carries a valid id_token_hint: submit the confirmation at once.
      logoutSource: async (ctx, form) => {
        ctx.body = page('Signing out', `<h1>Signing you out…</h1><p>You are being signed out of the ${escape(realm)} realm.</p>
${form.replace('</form>', '<input type="hidden" name="logout" value="yes"/><button id="kc-logout" type="submit">Sign out</button></form>')}
<script>document.getElementById('op.logoutForm').submit();</script>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out', '<h1>You are signed out</h1>');
      },
    },
  },
  interactions: { url: async (_ctx, interaction) => `${realmPrefix}/interaction/${interaction.uid}` },
  findAccount: async (_ctx, sub) => {
    const user = userBySubject(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims(use) {
        const claims = {
          sub,
          preferred_username: user.username,
          email: user.email,
          email_verified: true,
          name: user.name,
          given_name: user.name.split(' ')[0],
          family_name: user.name.split(' ').slice(1).join(' '),
        };
        // Keycloak's "Add to ID token" switch on the roles and groups mappers.
        if (use === 'userinfo' || settings.idTokenMappers) {
          claims.realm_access = { roles: ['default-roles-' + realm, 'offline_access', ...user.realmRoles] };
          claims.resource_access = Object.fromEntries(Object.entries(user.clientRoles ?? {}).map(([client, roles]) => [client, { roles }]));
          claims.groups = [...user.groups];
        }
        return claims;
      },
    };
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>We are sorry…</h1><div class="alert" role="alert">${escape(out.error_description ?? out.error)}</div>`);
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 300, IdToken: 300, AuthorizationCode: 60 },
});
provider.on('server_error', (_ctx, error) => console.error(`test-oidc: server error: ${error.stack ?? error}`));
provider.on('end_session.success', () => events.push({ type: 'logout', at: new Date().toISOString() }));

process.stdout.write(JSON.stringify({ ready: true, issuer, port, kid: signingKey.kid }) + '\n');

async function handle(req, res) {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);

  if (url.pathname.startsWith(adminPrefix + '/')) return admin(req, res, url.pathname.slice(adminPrefix.length));

  if (url.pathname.startsWith(`${realmPrefix}/interaction/`)) return interaction(req, res, url.pathname.slice(`${realmPrefix}/interaction/`.length));

  if (url.pathname === realmPrefix || url.pathname.startsWith(realmPrefix + '/')) {
    // Mounted under the realm path: oidc-provider derives its mount path from originalUrl.
    req.originalUrl = req.url;
    req.url = req.url.slice(realmPrefix.length) || '/';
    return provider.callback()(req, res);
  }

  send(res, 404, 'text/plain', 'not found');
}

async function interaction(req, res, rest) {
  const [uid, action] = rest.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/html', page('Error', '<div class="alert" role="alert">This sign-in link is no longer valid.</div>'));
  const { prompt, params, session } = details;

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') return send(res, 200, 'text/html', loginPage(uid));
    if (prompt.name === 'consent') {
      // First-party client: consent is implied, as in a Keycloak client with "Consent required" off.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    return send(res, 400, 'text/html', page('Error', `<div class="alert" role="alert">Unsupported prompt ${escape(prompt.name)}.</div>`));
  }

  if (req.method === 'POST' && action === 'login') {
    const form = new URLSearchParams(await readBody(req));
    const name = (form.get('username') ?? '').trim().toLowerCase();
    const username = Object.keys(users).find((n) => n === name || users[n].email.toLowerCase() === name);
    if (!username || users[username].password !== form.get('password')) {
      events.push({ type: 'login-failed', username: name, at: new Date().toISOString() });
      return send(res, 200, 'text/html', loginPage(uid, { error: 'Invalid username or password.', username: name }));
    }
    events.push({ type: 'login', username, at: new Date().toISOString() });
    return provider.interactionFinished(req, res, { login: { accountId: subjectOf(username) } }, { mergeWithLastSubmission: false });
  }

  if (req.method === 'POST' && action === 'abort') {
    events.push({ type: 'cancel', at: new Date().toISOString() });
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  }

  send(res, 404, 'text/plain', 'not found');
}

async function admin(req, res, rest) {
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  const body = req.method === 'PUT' || req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};

  if (req.method === 'PUT' && parts[0] === 'clients' && parts.length === 2) {
    await new Adapter('Client').upsert(parts[1], {
      client_id: parts[1],
      client_secret: body.secret,
      redirect_uris: body.redirectUris ?? [],
      post_logout_redirect_uris: body.postLogoutRedirectUris ?? [],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    return json(res, 200, { clientId: parts[1] });
  }
  if (req.method === 'PUT' && parts[0] === 'users' && parts.length === 2) {
    const existing = users[parts[1]] ?? { password: `${parts[1]}-password`, email: `${parts[1]}@example.test`, name: parts[1], groups: [], realmRoles: [] };
    users[parts[1]] = { ...existing, ...body };
    return json(res, 200, { username: parts[1], sub: subjectOf(parts[1]) });
  }
  if (req.method === 'GET' && parts[0] === 'users' && parts.length === 2 && users[parts[1]]) {
    return json(res, 200, { username: parts[1], sub: subjectOf(parts[1]), ...users[parts[1]], password: undefined });
  }
  if (req.method === 'POST' && parts[0] === 'settings') {
    settings = { ...settings, ...body };
    return json(res, 200, settings);
  }
  if (req.method === 'POST' && parts[0] === 'reset') {
    users = seedUsers();
    settings = seedSettings();
    return json(res, 200, { reset: true });
  }
  if (req.method === 'GET' && parts[0] === 'events') return json(res, 200, events);
  send(res, 404, 'text/plain', 'not found');
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res, status, type, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

function json(res, status, value) { send(res, status, 'application/json', JSON.stringify(value)); }

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) parsed[argv[i].slice(2)] = argv[i + 1]?.startsWith('--') ? 'true' : argv[++i];
  }
  return parsed;
}

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
// The test fixture closes stdin when it is done; never outlive it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
