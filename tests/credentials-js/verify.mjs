// Verifies a SkillVerify credential (SD-JWT VC) and its status list with implementations nobody here wrote:
// @sd-jwt/sd-jwt-vc (signature via the verifier below, disclosure digests, exp, the status list bit),
// @sd-jwt/jwt-status-list (decoding lst) and jose (ES256 against the published JWKS, typ checks).
// Usage: node verify.mjs <base URL> <credential file>. Prints one JSON line; exit 0 unless the run itself failed.
import { readFile } from 'node:fs/promises';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import * as jose from 'jose';

const [base, file] = process.argv.slice(2);
const credential = (await readFile(file, 'utf8')).trim();
const jwks = await (await fetch(new URL('/.well-known/jwks.json', base))).json();
const keyFor = async (kid) => {
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`key ${kid} is not in the JWKS`);
  return jose.importJWK(jwk, 'ES256');
};
// sd-jwt-js hands the verifier the signing input and the signature; jose checks it with the key the header names.
const verifier = async (data, signature) => {
  const { kid } = jose.decodeProtectedHeader(data + '.' + signature);
  try {
    await jose.compactVerify(`${data}.${signature}`, await keyFor(kid), { algorithms: ['ES256'] });
    return true;
  } catch {
    return false;
  }
};
const sdjwt = new SDJwtVcInstance({ verifier, hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt });
const result = { jose: {}, full: {}, withoutName: {}, statusList: {} };

// jose on the issuer-signed part: ES256, typ dc+sd-jwt, issuer.
const jws = credential.split('~')[0];
const { kid } = jose.decodeProtectedHeader(jws);
const signed = await jose.jwtVerify(jws, await keyFor(kid), { typ: 'dc+sd-jwt', issuer: base.replace(/\/$/, '') });
result.jose = { kid, vct: signed.payload.vct, level: signed.payload.level?.name_zh };

// The status list: jose for the signature and typ, the status-list package for the bits.
const statusUri = signed.payload.status.status_list.uri;
const listResponse = await fetch(statusUri, { headers: { Accept: 'application/statuslist+jwt' } });
const listJwt = await listResponse.text();
const list = await jose.jwtVerify(listJwt, await keyFor(jose.decodeProtectedHeader(listJwt).kid), { typ: 'statuslist+jwt', subject: statusUri });
result.statusList = {
  contentType: listResponse.headers.get('content-type'),
  cacheControl: listResponse.headers.get('cache-control'),
  ttl: list.payload.ttl,
  validSeconds: list.payload.exp - list.payload.iat,
  status: getListFromStatusListJWT(listJwt).getStatus(signed.payload.status.status_list.idx),
};

const attempt = async (presented) => {
  try {
    const verified = await sdjwt.verify(presented);
    const claims = await sdjwt.getClaims(presented);
    return { ok: true, name: claims.holder_name_masked ?? null, issueDate: verified.payload.issue_date };
  } catch (e) {
    return { ok: false, error: String(e.message ?? e) };
  }
};
result.full = await attempt(credential);
// The holder's own presentation without the name, made by the library.
const withoutName = await sdjwt.present(credential, {});
result.withoutName = { ...(await attempt(withoutName)), disclosures: withoutName.split('~').length - 2 };
// A changed claim in the signed part must fail in the library too.
const [h, p, sig] = jws.split('.');
const changed = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
changed.level.name_zh = '高级技师';
result.changedClaim = await attempt(`${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${sig}~`);
// A disclosure the issuer never made.
const forgedDisclosure = Buffer.from(JSON.stringify(['c2FsdHNhbHRzYWx0', 'holder_name_masked', '李*国'])).toString('base64url');
result.forged = await attempt(jws + '~' + forgedDisclosure + '~');
console.log(JSON.stringify(result));
