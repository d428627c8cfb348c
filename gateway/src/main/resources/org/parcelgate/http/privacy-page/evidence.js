// Parcelgate review page: the checks an officer's browser makes itself, so that "verified" does not
// mean "the gateway says so". Plain JavaScript over WebCrypto, no dependencies:
//   - a checkpoint's JWS signature against the gateway's published keys (ES256, PS256, EdDSA), its
//     type and the log it names;
//   - an entry's leaf hash, SHA-256(0x00 || UTF-8 bytes of its exact text), and its RFC 9162 audit
//     path up to the checkpoint's root (section 2.1.3.2);
//   - an RFC 9162 consistency proof between two checkpoints' roots (section 2.1.4.2).
// Every check resolves to a result or rejects with an Error that says what failed.
(function () {
  'use strict';

  var CHECKPOINT_TYPE = 'parcelgate-checkpoint+jwt';
  var subtle = window.crypto && window.crypto.subtle;

  function fail(message) {
    throw new Error(message);
  }

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function base64url(text) {
    if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) {
      fail('not base64url');
    }
    var padded = text.replace(/-/g, '+').replace(/_/g, '/');
    while (padded.length % 4 !== 0) {
      padded += '=';
    }
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function toBase64url(bytes) {
    var binary = '';
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function equal(a, b) {
    if (a.length !== b.length) {
      return false;
    }
    var difference = 0;
    for (var i = 0; i < a.length; i++) {
      difference |= a[i] ^ b[i];
    }
    return difference === 0;
  }

  function concat(parts) {
    var length = parts.reduce(function (sum, part) {
      return sum + part.length;
    }, 0);
    var out = new Uint8Array(length);
    var at = 0;
    parts.forEach(function (part) {
      out.set(part, at);
      at += part.length;
    });
    return out;
  }

  function sha256(bytes) {
    if (!subtle) {
      return Promise.reject(new Error('this browser offers no WebCrypto here (it needs HTTPS)'));
    }
    return subtle.digest('SHA-256', bytes).then(function (digest) {
      return new Uint8Array(digest);
    });
  }

  /** RFC 9162 section 2.1.1: the hash of a leaf, from the entry's exact text. */
  function leafHash(text) {
    return sha256(concat([new Uint8Array([0]), utf8(text)]));
  }

  function nodeHash(left, right) {
    return sha256(concat([new Uint8Array([1]), left, right]));
  }

  function isOdd(n) {
    return n % 2 === 1;
  }

  function half(n) {
    return Math.floor(n / 2);
  }

  function isPowerOfTwo(n) {
    while (n > 1 && n % 2 === 0) {
      n = n / 2;
    }
    return n === 1;
  }

  /**
   * RFC 9162 section 2.1.3.2: the root an audit path leads to from leaf `index` of a tree of
   * `size`, or an error when the path cannot be one of that tree.
   */
  function rootFromInclusion(index, size, leaf, path) {
    if (!(index >= 0 && index < size)) {
      return Promise.reject(new Error('entry ' + index + ' is not in a tree of ' + size));
    }
    var fn = index;
    var sn = size - 1;
    var step = Promise.resolve(leaf);
    path.forEach(function (sibling) {
      step = step.then(function (r) {
        if (sn === 0) {
          fail('the audit path is longer than the tree is deep');
        }
        var next;
        if (isOdd(fn) || fn === sn) {
          next = nodeHash(sibling, r);
          if (!isOdd(fn)) {
            while (!isOdd(fn) && fn !== 0) {
              fn = half(fn);
              sn = half(sn);
            }
          }
        } else {
          next = nodeHash(r, sibling);
        }
        fn = half(fn);
        sn = half(sn);
        return next;
      });
    });
    return step.then(function (root) {
      if (sn !== 0) {
        fail('the audit path is shorter than the tree is deep');
      }
      return root;
    });
  }

  /**
   * RFC 9162 section 2.1.4.2: whether `proof` shows that the tree of `first` entries with root
   * `firstRoot` is a prefix of the tree of `second` entries with root `secondRoot`.
   */
  function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
    if (first > second) {
      return Promise.resolve(false);
    }
    if (first === second) {
      return Promise.resolve(proof.length === 0 && equal(firstRoot, secondRoot));
    }
    if (first === 0) {
      return Promise.resolve(proof.length === 0);
    }
    var path = proof.slice();
    if (isPowerOfTwo(first)) {
      path.unshift(firstRoot);
    }
    if (path.length === 0) {
      return Promise.resolve(false);
    }
    var fn = first - 1;
    var sn = second - 1;
    while (isOdd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    var fr = Promise.resolve(path[0]);
    var sr = Promise.resolve(path[0]);
    var broken = false;
    path.slice(1).forEach(function (c) {
      if (broken) {
        return;
      }
      if (sn === 0) {
        broken = true;
        return;
      }
      if (isOdd(fn) || fn === sn) {
        fr = fr.then(function (r) {
          return nodeHash(c, r);
        });
        sr = sr.then(function (r) {
          return nodeHash(c, r);
        });
        if (!isOdd(fn)) {
          while (!isOdd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        sr = sr.then(function (r) {
          return nodeHash(r, c);
        });
      }
      fn = half(fn);
      sn = half(sn);
    });
    if (broken || sn !== 0) {
      return Promise.resolve(false);
    }
    return Promise.all([fr, sr]).then(function (roots) {
      return equal(roots[0], firstRoot) && equal(roots[1], secondRoot);
    });
  }

  /** The public key of a JWK as WebCrypto takes it, for the JWS algorithm `alg`. */
  function importKey(jwk, alg) {
    if (!subtle) {
      return Promise.reject(new Error('this browser offers no WebCrypto here (it needs HTTPS)'));
    }
    if (alg === 'ES256' && jwk.kty === 'EC' && jwk.crv === 'P-256') {
      return subtle
        .importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
          { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
        .then(function (key) {
          return { key: key, params: { name: 'ECDSA', hash: 'SHA-256' } };
        });
    }
    if (alg === 'PS256' && jwk.kty === 'RSA') {
      return subtle
        .importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e, ext: true },
          { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify'])
        .then(function (key) {
          return { key: key, params: { name: 'RSA-PSS', saltLength: 32 } };
        });
    }
    if (alg === 'EdDSA' && jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
      return subtle
        .importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x, ext: true }, { name: 'Ed25519' },
          false, ['verify'])
        .then(
          function (key) {
            return { key: key, params: { name: 'Ed25519' } };
          },
          function () {
            fail('this browser cannot check Ed25519 signatures');
          }
        );
    }
    return Promise.reject(new Error('the key ' + jwk.kid + ' does not fit the algorithm ' + alg));
  }

  function json(bytes, what) {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (e) {
      fail(what + ' is not JSON');
    }
  }

  /**
   * A checkpoint's content if its compact JWS is signed by one of the published keys, is a
   * checkpoint, and names the log `log`: {log, treeSize, rootHash (bytes), rootHashText, issuedAt,
   * issuer, kid}.
   */
  function verifyCheckpoint(jws, jwks, log) {
    return Promise.resolve().then(function () {
      var parts = typeof jws === 'string' ? jws.split('.') : [];
      if (parts.length !== 3) {
        fail('the checkpoint is not a compact JWS');
      }
      var header = json(base64url(parts[0]), 'the checkpoint header');
      var claims = json(base64url(parts[1]), 'the checkpoint claims');
      if (header.typ !== CHECKPOINT_TYPE) {
        fail('the JWS is not a checkpoint (typ ' + header.typ + ')');
      }
      var keys = jwks && Array.isArray(jwks.keys) ? jwks.keys : [];
      var jwk = keys.filter(function (k) {
        return k.kid === header.kid;
      })[0];
      if (!jwk) {
        fail('no published key has the id ' + header.kid);
      }
      if (jwk.alg && jwk.alg !== header.alg) {
        fail('the key ' + header.kid + ' is not for ' + header.alg);
      }
      return importKey(jwk, header.alg)
        .then(function (imported) {
          return subtle.verify(imported.params, imported.key, base64url(parts[2]),
            utf8(parts[0] + '.' + parts[1]));
        })
        .then(function (valid) {
          if (!valid) {
            fail('the checkpoint\'s signature does not verify with key ' + header.kid);
          }
          if (claims.log !== log) {
            fail('the checkpoint is one of the ' + claims.log + ' log, not of the ' + log + ' log');
          }
          if (typeof claims.tree_size !== 'number' || claims.tree_size < 0 ||
            typeof claims.root_hash !== 'string' || typeof claims.iat !== 'number') {
            fail('the checkpoint lacks tree_size, root_hash or iat');
          }
          return {
            log: claims.log,
            treeSize: claims.tree_size,
            rootHash: base64url(claims.root_hash),
            rootHashText: claims.root_hash,
            issuedAt: new Date(claims.iat * 1000).toISOString().replace('.000Z', 'Z'),
            issuer: claims.iss,
            kid: header.kid
          };
        });
    });
  }

  /** A C2SP verifier key: name+hex(key id)+base64(type || Ed25519 public key), its id checked. */
  function parseVerifierKey(text, type) {
    var value = (text || '').trim();
    var first = value.indexOf('+');
    var second = first < 0 ? -1 : value.indexOf('+', first + 1);
    if (first <= 0 || second < 0) {
      return Promise.reject(new Error('"' + value + '" is not a verifier key (name+id+key)'));
    }
    var name = value.slice(0, first);
    var id = value.slice(first + 1, second);
    var key;
    try {
      var padded = value.slice(second + 1);
      key = Uint8Array.from(atob(padded), function (c) {
        return c.charCodeAt(0);
      });
    } catch (e) {
      return Promise.reject(new Error('the key of ' + name + ' is not base64'));
    }
    if (key.length !== 33 || key[0] !== type) {
      return Promise.reject(new Error(name + ' is not an Ed25519 key of type ' + type));
    }
    var publicKey = key.slice(1);
    return sha256(concat([utf8(name), new Uint8Array([10]), new Uint8Array([type]), publicKey])).then(
      function (digest) {
        var computed = Array.from(digest.slice(0, 4))
          .map(function (b) {
            return (b < 16 ? '0' : '') + b.toString(16);
          })
          .join('');
        if (computed !== id.toLowerCase()) {
          fail('the key id of ' + name + ' does not match its key');
        }
        return { name: name, id: digest.slice(0, 4), publicKey: publicKey };
      }
    );
  }

  /** A signed note's text and its signature lines (name, bytes). */
  function parseNote(note) {
    var split = note.lastIndexOf('\n\n');
    if (split < 0 || note.charAt(note.length - 1) !== '\n') {
      fail('not a signed note');
    }
    var signatures = note
      .slice(split + 2, note.length - 1)
      .split('\n')
      .map(function (line) {
        if (line.indexOf('\u2014 ') !== 0) {
          fail('a note signature line starts with an em dash');
        }
        var parts = line.slice(2).split(' ');
        return { name: parts[0], bytes: Uint8Array.from(atob(parts[1]), function (c) {
          return c.charCodeAt(0);
        }) };
      });
    return { text: note.slice(0, split + 1), signatures: signatures };
  }

  function ed25519Verify(publicKey, signature, message) {
    return subtle
      .importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify'])
      .then(function (key) {
        return subtle.verify({ name: 'Ed25519' }, key, signature, message);
      });
  }

  /**
   * Checks a witnessed checkpoint note in the browser: the log's signature by `logKey` (type 0x01)
   * and the cosignatures (type 0x04, c2sp.org/tlog-cosignature) of the `witnessKeys` it carries;
   * resolves to {treeSize, cosigned: [names]}, or rejects saying what is wrong.
   */
  function checkWitnessed(note, logKeyText, witnessKeyTexts) {
    return Promise.all(
      [parseVerifierKey(logKeyText, 1)].concat(
        witnessKeyTexts.map(function (text) {
          return parseVerifierKey(text, 4);
        })
      )
    ).then(function (keys) {
      var logKey = keys[0];
      var parsed = parseNote(note);
      var text = utf8(parsed.text);
      var mine = function (signature, key) {
        return signature.name === key.name && equal(signature.bytes.slice(0, 4), key.id);
      };
      var logSignature = parsed.signatures.filter(function (signature) {
        return mine(signature, logKey);
      })[0];
      if (!logSignature) {
        fail('the note carries no signature by the log key ' + logKey.name);
      }
      return ed25519Verify(logKey.publicKey, logSignature.bytes.slice(4), text).then(function (valid) {
        if (!valid) {
          fail('the log\'s signature of the note does not verify');
        }
        var lines = parsed.text.split('\n');
        if (lines[0] !== logKey.name) {
          fail('the note\'s origin ' + lines[0] + ' is not the log ' + logKey.name);
        }
        var checks = keys.slice(1).map(function (witness) {
          var signature = parsed.signatures.filter(function (s) {
            return mine(s, witness);
          })[0];
          if (!signature || signature.bytes.length !== 76) {
            return Promise.resolve(null);
          }
          var time = 0;
          for (var i = 4; i < 12; i++) {
            time = time * 256 + signature.bytes[i];
          }
          var message = utf8('cosignature/v1\ntime ' + time + '\n' + parsed.text);
          return ed25519Verify(witness.publicKey, signature.bytes.slice(12), message).then(
            function (valid) {
              if (!valid) {
                fail('the cosignature of ' + witness.name + ' does not verify');
              }
              return witness.name;
            }
          );
        });
        return Promise.all(checks).then(function (names) {
          return {
            treeSize: Number(lines[1]),
            cosigned: names.filter(function (name) {
              return name !== null;
            })
          };
        });
      });
    });
  }

  window.ParcelgateEvidence = {
    checkWitnessed: checkWitnessed,
    base64url: base64url,
    toBase64url: toBase64url,
    equal: equal,
    leafHash: leafHash,
    rootFromInclusion: rootFromInclusion,
    verifyConsistency: verifyConsistency,
    verifyCheckpoint: verifyCheckpoint
  };
})();
