#!/usr/bin/env node
// Push one batch to a Parcelgate gateway and check everything it signs, from docs/protocol.md alone.
//
// What it does, in the order of docs/protocol.md:
//   1. builds valid transactions and writes them as an Avro object container (deflate) with the
//      schema file it is given (schemas/src/main/resources/org/parcelgate/schema/transaction-v2.avsc);
//   2. signs a request token bound to the client certificate (cnf.x5t#S256) and to the exact body
//      (body_sha256);
//   3. POSTs the batch to /v1/batches over mutual TLS;
//   4. fetches the gateway's keys (/.well-known/jwks.json) and verifies the signed receipt: its
//      signature, its typ, and that it attests this body, this token and this answer;
//   5. fetches the writer schema the receipt names from /v1/schemas/{fingerprint} and checks it is
//      the schema file it wrote with.
// Prints a summary; exits 0 only when all of it held, 1 when the gateway or a check failed, 2 for a
// local mistake (a missing file, a bad option).
//
// Packages (package-lock.json): avsc (Avro), jose (JWS). Node.js 20 or newer.

import { createHash, randomInt, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import avro from 'avsc';
import { SignJWT, importJWK, jwtVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';

const BATCH_MEDIA_TYPE = 'application/vnd.parcelgate.batch+avro';
const REQUEST_TYPE = 'parcelgate-request+jwt';
const RECEIPT_TYPE = 'parcelgate-receipt+jwt';
// One spelling of a compact JWS: three segments of unpadded base64url (protocol.md, section 2).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_SCHEMA = join(HERE, '..', '..', 'schemas', 'src', 'main', 'resources', 'org', 'parcelgate',
  'schema', 'transaction-v2.avsc');

/** The gateway refused, or something it sent did not check out: exit code 1. */
class Failure extends Error {}
/** A file or option on this side is wrong: exit code 2. */
class LocalMistake extends Error {}

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

function options() {
  const env = process.env;
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string', default: env.PARCELGATE_URL ?? 'https://localhost:8443' },
        ca: { type: 'string', default: env.PARCELGATE_TRUST_ANCHOR },
        cert: { type: 'string', default: env.PARCELGATE_CERT },
        key: { type: 'string', default: env.PARCELGATE_KEY },
        'signing-key': { type: 'string', default: env.PARCELGATE_SIGNING_KEY },
        partner: { type: 'string', default: env.PARCELGATE_PARTNER },
        audience: { type: 'string', default: env.PARCELGATE_AUDIENCE ?? 'parcelgate-local' },
        schema: { type: 'string', default: DEFAULT_SCHEMA },
        out: { type: 'string' },
        count: { type: 'string', default: '3' },
      },
    }));
  } catch (e) {
    throw new LocalMistake(e.message);
  }
  for (const name of ['ca', 'cert', 'key', 'signing-key', 'partner']) {
    if (!values[name]) throw new LocalMistake(`--${name} (or its environment variable) is required`);
  }
  for (const name of ['ca', 'cert', 'key', 'signing-key', 'schema']) {
    if (!existsSync(values[name])) throw new LocalMistake(`--${name}: no such file: ${values[name]}`);
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 10000) throw new LocalMistake('--count is 1 to 10000');
  return { ...values, signingKey: values['signing-key'], count };
}

// --- 1. the batch ------------------------------------------------------------------------------

/** A UPU S10 item identifier: service LX, 8 digits, check digit, country of posting CN. */
function s10TrackingNumber(serial) {
  const digits = String(serial).padStart(8, '0');
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  let check = 11 - ([...digits].reduce((sum, d, i) => sum + Number(d) * weights[i], 0) % 11);
  if (check === 10) check = 0;
  else if (check === 11) check = 5;
  return `LX${digits}${check}CN`;
}

/** A valid transaction (docs/data-model.md): amounts that add up, real HS codes, S10 tracking. */
function transaction(n, run, orderTime) {
  const lines = [
    ['Bluetooth over-ear headphones with charging case', '851830', 'CN', 1, 2499, 310],
    ['Ceramic coffee mug with printed design', '691200', 'TR', 2, 899, 380],
  ];
  let goods = 0;
  let mass = 0;
  const items = lines.map(([description, hsCode, origin, quantity, unitPrice, grams], i) => {
    const total = quantity * unitPrice;
    goods += total;
    mass += quantity * grams;
    return {
      lineNumber: i + 1, sku: `SKU-${run}-${n}-${i + 1}`, description, hsCode, quantity, unit: 'H87',
      unitPriceMinor: unitPrice, lineTotalMinor: total, originCountry: origin, grossMassGrams: quantity * grams,
      brand: null, listingUrl: `https://marketplace.example/listing/${run}-${n}-${i + 1}`,
    };
  });
  const shipping = 399;
  const tax = Math.floor(((goods + shipping) * 21 + 50) / 100); // NL standard VAT, half up
  const paid = goods + shipping + tax;
  return {
    transactionId: `ORD-JS-${run}-${n}`,
    amendment: false,
    orderTime, // timestamp-millis: milliseconds since the epoch
    iossNumber: 'IM5280000012',
    seller: {
      sellerId: 'seller-js-1', name: 'Shenzhen Example Trading Co., Ltd. 1', type: 'BUSINESS',
      vatNumber: 'NL826000001B01', iossNumber: null, eori: 'NL826000001', tin: '91440300MA5F000001',
      tinCountry: 'CN', country: 'CN',
      address: {
        line1: '89 Example Road, Nanshan District', line2: null, city: 'Shenzhen', postalCode: '518000',
        region: 'Guangdong', country: 'CN',
      },
      verificationStatus: 'VERIFIED',
    },
    buyer: {
      buyerId: `buyer-js-${run}-${n}`, name: `Sample Buyer ${n}`, email: `buyer${n}@mail.example`,
      phone: `+31600${String(n).padStart(6, '0')}`,
      address: {
        line1: `${n + 1} Sample Street`, line2: null, city: 'Utrecht', postalCode: '3511 AB', region: null,
        country: 'NL',
      },
      taxId: null,
    },
    items,
    amounts: {
      currency: 'EUR', goodsValueMinor: goods, shippingMinor: shipping, insuranceMinor: 0, discountMinor: 0,
      taxCollectedMinor: tax, totalPaidMinor: paid,
    },
    payment: {
      paymentId: `PAY-JS-${run}-${n}`, time: orderTime + 60_000, amountMinor: paid, currency: 'EUR',
      method: 'CARD', payerCountry: 'NL', provider: 'Example Payments B.V.',
    },
    shipment: {
      trackingNumber: s10TrackingNumber(randomInt(100_000_000)), carrier: 'Example Parcel Service',
      dispatchCountry: 'CN', destinationCountry: 'NL', packages: 1, grossMassGrams: mass + 120,
    },
  };
}

/** The records as one Avro object container file, deflate codec. */
function container(type, count) {
  const run = randomUUID().slice(0, 12);
  const orderTime = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
  return new Promise((resolve, reject) => {
    const chunks = [];
    const encoder = new avro.streams.BlockEncoder(type, { codec: 'deflate' });
    encoder.on('data', (chunk) => chunks.push(chunk));
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    encoder.on('error', reject);
    for (let n = 0; n < count; n++) encoder.write(transaction(n, run, orderTime));
    encoder.end();
  });
}

// --- 2. the request token ----------------------------------------------------------------------

/** The one algorithm of a key (protocol.md, section 2): P-256 ES256, RSA PS256, Ed25519 EdDSA. */
function algorithmOf(jwk) {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'PS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new LocalMistake(`the key ${jwk.kid} is not an ES256, PS256 or EdDSA key`);
}

/** A fresh token for one request; body undefined for a request without one. */
async function requestToken(config, signingJwk, key, cnf, body) {
  const now = Math.floor(Date.now() / 1000);
  const jti = randomUUID();
  const claims = {
    iss: config.partner, sub: config.partner, aud: config.audience, iat: now, exp: now + 120, jti,
    cnf: { 'x5t#S256': cnf },
  };
  if (body !== undefined) claims.body_sha256 = b64url(sha256(body));
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: algorithmOf(signingJwk), kid: signingJwk.kid, typ: REQUEST_TYPE })
    .sign(key);
  return { token, jti };
}

// --- 3. HTTP over mutual TLS -------------------------------------------------------------------

function call(config, method, path, { headers = {}, body } = {}) {
  const url = new URL(path, config.url);
  return new Promise((resolve, reject) => {
    const req = request({
      hostname: url.hostname, port: url.port || 443, path: url.pathname + url.search, method,
      ca: readFileSync(config.ca), cert: readFileSync(config.cert), key: readFileSync(config.key),
      headers: body === undefined ? headers : { ...headers, 'Content-Length': body.length },
      timeout: 60_000,
    }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, text, json: () => JSON.parse(text) });
      });
    });
    req.on('timeout', () => req.destroy(new Failure(`no answer from ${config.url} in time`)));
    req.on('error', (e) => reject(e instanceof Failure ? e
      : new Failure(`no answer from ${config.url} (connection or TLS: certificate, key or CA): ${e.message}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function problem(response) {
  try {
    const doc = response.json();
    return `${response.status} ${doc.code}: ${doc.detail} (request ${doc.requestId})`;
  } catch {
    return String(response.status);
  }
}

// --- 4. the receipt ----------------------------------------------------------------------------

/** The receipt's claims once its form, typ, key, algorithm and signature check out. */
async function verifyReceipt(receipt, jwks) {
  if (typeof receipt !== 'string' || !COMPACT_JWS.test(receipt)) throw new Failure('the receipt is not a compact JWS');
  const header = decodeProtectedHeader(receipt);
  if (header.typ !== RECEIPT_TYPE) throw new Failure(`the receipt's typ is ${header.typ}, not ${RECEIPT_TYPE}`);
  const keys = (jwks.keys ?? []).filter((k) => k.kid === header.kid);
  if (keys.length !== 1) throw new Failure(`the receipt's key ${header.kid} is not among the gateway's keys`);
  const algorithm = algorithmOf(keys[0]);
  if (header.alg !== algorithm) throw new Failure(`the receipt's alg ${header.alg} is not its key's (${algorithm})`);
  try {
    const { payload } = await jwtVerify(receipt, createLocalJWKSet({ keys }), { algorithms: [algorithm] });
    return payload;
  } catch (e) {
    throw new Failure(`the receipt does not verify: ${e.message}`);
  }
}

async function main() {
  let config;
  let signingJwk;
  let signingKey;
  let cnf;
  let type;
  try {
    config = options();
    signingJwk = JSON.parse(readFileSync(config.signingKey, 'utf8'));
    if (!signingJwk.d || !signingJwk.kid) throw new LocalMistake('--signing-key must be a private JWK with a kid');
    signingKey = await importJWK(signingJwk, algorithmOf(signingJwk));
    cnf = b64url(sha256(new X509Certificate(readFileSync(config.cert)).raw));
    type = avro.Type.forSchema(JSON.parse(readFileSync(config.schema, 'utf8')));
  } catch (e) {
    console.error(`error: ${e.message}`);
    return 2;
  }
  const authorized = async (body) => `Bearer ${(await requestToken(config, signingJwk, signingKey, cnf, body)).token}`;

  try {
    // 1. the batch
    const body = await container(type, config.count);
    if (config.out) writeFileSync(config.out, body);
    const bodySha256 = b64url(sha256(body));

    // 2 and 3. the token for this body, and the push
    const { token, jti } = await requestToken(config, signingJwk, signingKey, cnf, body);
    const response = await call(config, 'POST', '/v1/batches', {
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': BATCH_MEDIA_TYPE }, body,
    });
    if (response.status !== 200 && response.status !== 202) throw new Failure(`the batch was refused: ${problem(response)}`);
    const answer = response.json();

    // 4. the receipt, against the gateway's published keys
    const keys = await call(config, 'GET', '/.well-known/jwks.json');
    if (keys.status !== 200) throw new Failure(`cannot fetch the gateway's keys: ${problem(keys)}`);
    const receipt = await verifyReceipt(answer.receipt, keys.json());
    const expected = {
      iss: config.audience, sub: config.partner, body_sha256: bodySha256, request_jti: jti,
      batch_id: answer.batchId, writer_schema: answer.writerSchema, records: answer.records,
      accepted: answer.accepted, unchanged: answer.unchanged, rejected: answer.rejected,
    };
    for (const [claim, value] of Object.entries(expected)) {
      if (receipt[claim] !== value) {
        throw new Failure(`the receipt's ${claim} is ${JSON.stringify(receipt[claim])}, expected ${JSON.stringify(value)}`);
      }
    }

    // 5. the writer schema the receipt names, from the gateway
    const listed = await call(config, 'GET', '/v1/schemas', { headers: { Authorization: await authorized() } });
    if (listed.status !== 200) throw new Failure(`cannot list the schemas: ${problem(listed)}`);
    if (!listed.json().schemas.some((s) => s.fingerprint === receipt.writer_schema)) {
      throw new Failure("the receipt's writer schema is not among the gateway's schemas");
    }
    const served = await call(config, 'GET', `/v1/schemas/${receipt.writer_schema}`, {
      headers: { Authorization: await authorized() },
    });
    if (served.status !== 200) throw new Failure(`cannot fetch the writer schema: ${problem(served)}`);
    const servedType = avro.Type.forSchema(served.json());
    if (!servedType.fingerprint('sha256').equals(type.fingerprint('sha256'))) {
      throw new Failure(`the gateway's schema ${receipt.writer_schema} is not the schema file written with`);
    }

    console.log(`batch ${answer.batchId}: HTTP ${response.status}, ${answer.records} records: `
      + `${answer.accepted} accepted, ${answer.unchanged} unchanged, ${answer.rejected} rejected`);
    for (const rejected of answer.rejectedRecords ?? []) {
      console.log(`  rejected record ${rejected.index}: ${rejected.errors.map((e) => `${e.field} ${e.code}`).join(', ')}`);
    }
    console.log(`receipt verified: signed by ${receipt.iss} with key ${decodeProtectedHeader(answer.receipt).kid}, `
      + `attests body_sha256 ${bodySha256} and token ${jti}`);
    console.log(`writer schema ${receipt.writer_schema}: fetched from /v1/schemas, same as ${basename(config.schema)}`);
    console.log('RESULT: verified receipt');
    return 0;
  } catch (e) {
    if (!(e instanceof Failure) && !(e instanceof LocalMistake)) throw e;
    console.error(`error: ${e.message}`);
    return e instanceof LocalMistake ? 2 : 1;
  }
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`error: ${e?.message ?? e}`);
  process.exitCode = 1;
});
