// OAuth as 1688 runs it: the authorise page, system.oauth2/getToken (both grants) and postponeToken.
import { randomBytes } from 'node:crypto';
import { sameText, json, aopDate, esc } from './wire.mjs';
import { send, readBody, page } from './http.mjs';

/** @param sb the sandbox's shared context (index.mjs); other modules' functions are reached through it. */
export function createOAuth(sb) {
  const { cfg, settings, state, now, account, buyerMemberId } = sb;

  const oauthError = (status, error, description) => ({
    status,
    code: error,
    body: json({ error, error_description: description }),
  });

  /** system.oauth2 getToken (both grants) and postponeToken: form bodies, not signed, carrying client_secret. */
  function oauthToken(which, appKey, p) {
    const app = cfg.apps.get(appKey);
    if (!app || p.get('client_id') !== appKey)
      return oauthError(401, 'invalid_client', 'client_id is unknown or does not match the appKey in the path');
    if (!p.has('client_secret') || !sameText(p.get('client_secret'), app.appSecret))
      return oauthError(401, 'invalid_client', 'client_secret is wrong');
    const tokenAnswer = (accessToken, refresh) => {
      state.tokens.set(accessToken, { appKey, expiresAt: now() + settings.tokenLifetimeSec * 1000 });
      const out = {
        aliId: account.aliId || '8000000000001',
        resource_owner: account.loginId || 'sandbox-buyer',
        memberId: buyerMemberId,
        expires_in: String(settings.tokenLifetimeSec),
        access_token: accessToken,
      };
      if (refresh) {
        const expiresAt = now() + settings.refreshTokenLifetimeSec * 1000;
        state.refreshTokens.set(refresh, { appKey, expiresAt });
        Object.assign(out, {
          refresh_token: refresh,
          refresh_token_timeout: aopDate(expiresAt).replace(/([0-9]{14})[0-9]{3}/, '$1'),
        });
      }
      return { status: 200, body: json(out) };
    };
    const newToken = () =>
      randomBytes(16)
        .toString('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    if (which === 'postponeToken') {
      const rt = state.refreshTokens.get(p.get('refresh_token') || '');
      if (!rt || rt.appKey !== appKey || rt.expiresAt <= now())
        return oauthError(400, 'invalid_grant', 'refresh_token is unknown or expired');
      if (!sb.liveToken(p.get('access_token'), appKey))
        return oauthError(400, 'invalid_grant', 'access_token is unknown or expired');
      state.refreshTokens.delete(p.get('refresh_token'));
      const out = tokenAnswer(p.get('access_token'), newToken());
      return out;
    }
    const grant = p.get('grant_type');
    if (grant === 'authorization_code') {
      const code = state.codes.get(p.get('code') || '');
      state.codes.delete(p.get('code') || '');
      if (!code || code.appKey !== appKey || code.expiresAt <= now())
        return oauthError(400, 'invalid_grant', 'code is unknown, used or expired (a code lives 120 s and works once)');
      if (p.get('redirect_uri') !== code.redirectUri)
        return oauthError(400, 'invalid_grant', 'redirect_uri does not match the one the code was issued for');
      return tokenAnswer(newToken(), p.get('need_refresh_token') === 'false' ? null : newToken());
    }
    if (grant === 'refresh_token') {
      const rt = state.refreshTokens.get(p.get('refresh_token') || '');
      if (!rt || rt.appKey !== appKey || rt.expiresAt <= now())
        return oauthError(400, 'invalid_grant', 'refresh_token is unknown or expired: authorise again');
      return tokenAnswer(newToken(), null);
    }
    return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  function authorizePage(url) {
    const clientId = url.searchParams.get('client_id') || '';
    const redirectUri = url.searchParams.get('redirect_uri') || '';
    const st = url.searchParams.get('state') || '';
    const app = cfg.apps.get(clientId);
    if (!app || !/^https?:\/\//.test(redirectUri))
      return {
        status: 400,
        html: page(
          'Cannot authorise',
          `<h1>Cannot authorise</h1><p>${app ? 'redirect_uri must be an http(s) URL.' : `Unknown client_id ${esc(clientId)}.`}</p>`,
        ),
      };
    const body = `<h1>Authorise ${esc(app.name || app.appKey)}</h1>
  <p class="note">kjb sandbox — a stand-in for auth.1688.com; no 1688 account is involved.</p>
  <p><strong>${esc(app.name || app.appKey)}</strong> asks to act for the buyer <strong>${esc(account.loginId || 'sandbox-buyer')}</strong>: read orders, get cashier links, receive payment messages.</p>
  <form method="post" action="authorize"><input type="hidden" name="client_id" value="${esc(clientId)}"><input type="hidden" name="redirect_uri" value="${esc(redirectUri)}"><input type="hidden" name="state" value="${esc(st)}"><input type="hidden" name="site" value="1688"><button type="submit">Authorize</button></form>`;
    return { status: 200, html: page(`Authorise ${app.name || app.appKey}`, body) };
  }

  async function authorizePost(req, res) {
    const p = new URLSearchParams(await readBody(req));
    const clientId = p.get('client_id') || '';
    const redirectUri = p.get('redirect_uri') || '';
    if (!cfg.apps.has(clientId) || !/^https?:\/\//.test(redirectUri))
      return send(
        res,
        400,
        'text/html; charset=utf-8',
        page(
          'Cannot authorise',
          '<h1>Cannot authorise</h1><p>Unknown client_id or a redirect_uri that is not an http(s) URL.</p>',
        ),
      );
    const code = randomBytes(16).toString('hex');
    state.codes.set(code, { appKey: clientId, redirectUri, expiresAt: now() + 120000 });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (p.get('state') !== null) target.searchParams.set('state', p.get('state'));
    return send(res, 302, 'text/plain; charset=utf-8', 'Authorised', { location: target.toString() });
  }

  return { oauthToken, authorizePage, authorizePost };
}
