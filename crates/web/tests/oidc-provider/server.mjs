// A real OpenID Connect provider (the `oidc-provider` package) on loopback, for
// Concerto's SPID/CIE login tests. It plays the identity provider: one client,
// PKCE required, and one citizen who signs in and consents without a human.
//
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI   the relying party
//   PORT (or the first argument)                            0 picks a free port
//
// Prints `READY <issuer>` on stdout once it listens. `GET /__test/deny-next` makes
// the next interaction end in `access_denied`, as when a citizen refuses consent.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
};

const clientId = env('OIDC_CLIENT_ID');
const clientSecret = env('OIDC_CLIENT_SECRET');
const redirectUri = env('OIDC_REDIRECT_URI');
const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

// The citizen of the tests, with the attributes SPID and CIE give.
const CITIZEN = {
  sub: 'cittadino-1',
  email: 'mario.rossi@example.org',
  email_verified: true,
  name: 'Mario Rossi',
  given_name: 'Mario',
  family_name: 'Rossi',
  fiscal_number: 'TINIT-RSSMRA45D25F205N',
};

// A fresh signing key per run: the relying party must fetch it from the JWKS.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `test-${randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' };

let denyNext = false;

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'fiscal_number'],
    },
    features: { devInteractions: { enabled: false } },
    async findAccount(_ctx, sub) {
      if (sub !== CITIZEN.sub) return undefined;
      return { accountId: sub, async claims() { return { ...CITIZEN }; } };
    },
  });
  // Silence the provider's own error logging of expected failures.
  provider.on('server_error', (_ctx, err) => console.error('server_error', err));

  const oidc = provider.callback();
  server.on('request', async (req, res) => {
    try {
      if (req.url === '/__test/deny-next') {
        denyNext = true;
        res.end('ok');
      } else if (req.url.startsWith('/interaction/')) {
        await interact(provider, req, res);
      } else {
        oidc(req, res);
      }
    } catch (err) {
      console.error(err);
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  console.log(`READY ${issuer}`);
});

// Login and consent, completed at once for the test citizen.
async function interact(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session, grantId } = details;
  if (denyNext) {
    denyNext = false;
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    return;
  }
  if (prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: CITIZEN.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  if (prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const saved = await grant.save();
    await provider.interactionFinished(req, res, { consent: grantId ? {} : { grantId: saved } }, { mergeWithLastSubmission: true });
    return;
  }
  res.statusCode = 400;
  res.end(`unexpected prompt ${prompt.name}`);
}

process.on('SIGTERM', () => process.exit(0));
