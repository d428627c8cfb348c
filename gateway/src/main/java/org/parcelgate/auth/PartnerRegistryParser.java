package org.parcelgate.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.SignatureAlgorithms;

/**
 * Reads a partner registry file (JSON, described in docs/operations.md) into a {@link
 * PartnerRegistry}, refusing the whole file on the first problem: a registry is either entirely
 * valid or not used at all.
 */
public final class PartnerRegistryParser {
  /** Partner ids: lower-case letters, digits and dashes; safe in logs, metrics tags and URLs. */
  public static final Pattern PARTNER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private static final Pattern THUMBPRINT = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Pattern KID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private PartnerRegistryParser() {}

  public static PartnerRegistry parse(byte[] content) {
    Map<String, Object> root;
    try {
      root = JSONObjectUtils.parse(new String(content, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new RegistryException("registry is not a JSON object");
    }
    List<Object> entries;
    try {
      entries = JSONObjectUtils.getJSONArray(root, "partners");
    } catch (ParseException e) {
      throw new RegistryException("registry member 'partners' must be an array");
    }
    if (entries == null) {
      throw new RegistryException("registry member 'partners' is required");
    }
    for (String member : root.keySet()) {
      if (!member.equals("partners")) {
        throw new RegistryException("registry has unknown member '" + safe(member) + "'");
      }
    }
    List<Partner> partners = new ArrayList<>();
    for (int index = 0; index < entries.size(); index++) {
      if (!(entries.get(index) instanceof Map)) {
        throw new RegistryException("partners[" + index + "] must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> entry = (Map<String, Object>) entries.get(index);
      partners.add(partner(index, entry));
    }
    try {
      return new PartnerRegistry(partners, Digests.sha256Hex(content));
    } catch (IllegalArgumentException e) {
      throw new RegistryException(e.getMessage());
    }
  }

  private static Partner partner(int index, Map<String, Object> entry) {
    String where = "partners[" + index + "]";
    String id = string(entry, "id", where);
    if (!PARTNER_ID.matcher(id).matches()) {
      throw new RegistryException(where + ".id must match " + PARTNER_ID.pattern());
    }
    where = "partner '" + id + "'";
    for (String member : entry.keySet()) {
      if (!Set.of("id", "role", "status", "certificates", "jwks").contains(member)) {
        throw new RegistryException(where + " has unknown member '" + safe(member) + "'");
      }
    }
    String roleName = string(entry, "role", where);
    Role role =
        Role.fromWireName(roleName)
            .orElseThrow(() -> new RegistryException("partner '" + id + "' has an unknown role"));
    String statusName = string(entry, "status", where);
    PartnerStatus status =
        PartnerStatus.fromWireName(statusName)
            .orElseThrow(() -> new RegistryException("partner '" + id + "' has an unknown status"));
    return new Partner(id, role, status, thumbprints(entry, where), keys(entry, where));
  }

  private static Set<String> thumbprints(Map<String, Object> entry, String where) {
    List<Object> list;
    try {
      list = JSONObjectUtils.getJSONArray(entry, "certificates");
    } catch (ParseException e) {
      throw new RegistryException(where + ".certificates must be an array");
    }
    if (list == null || list.isEmpty()) {
      throw new RegistryException(where + ".certificates must list at least one thumbprint");
    }
    Set<String> thumbprints = new LinkedHashSet<>();
    for (Object item : list) {
      if (!(item instanceof String thumbprint) || !THUMBPRINT.matcher(thumbprint).matches()) {
        throw new RegistryException(
            where
                + ".certificates must hold base64url SHA-256 thumbprints (43 characters, no padding)");
      }
      thumbprints.add(thumbprint);
    }
    return thumbprints;
  }

  private static Map<String, PartnerKey> keys(Map<String, Object> entry, String where) {
    Map<String, Object> jwks;
    List<Object> list;
    try {
      jwks = JSONObjectUtils.getJSONObject(entry, "jwks");
      list = jwks == null ? null : JSONObjectUtils.getJSONArray(jwks, "keys");
    } catch (ParseException e) {
      throw new RegistryException(where + ".jwks must be a JWK set object with a 'keys' array");
    }
    if (list == null || list.isEmpty()) {
      throw new RegistryException(where + ".jwks.keys must list at least one key");
    }
    Map<String, PartnerKey> keys = new LinkedHashMap<>();
    for (int index = 0; index < list.size(); index++) {
      String keyWhere = where + ".jwks.keys[" + index + "]";
      if (!(list.get(index) instanceof Map)) {
        throw new RegistryException(keyWhere + " must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> json = (Map<String, Object>) list.get(index);
      PartnerKey key = key(json, keyWhere);
      if (keys.putIfAbsent(key.kid(), key) != null) {
        throw new RegistryException(keyWhere + " repeats a kid of the same partner");
      }
    }
    return keys;
  }

  private static PartnerKey key(Map<String, Object> json, String where) {
    JWK jwk;
    try {
      jwk = JWK.parse(json);
    } catch (ParseException e) {
      throw new RegistryException(where + " is not a valid JWK");
    }
    if (jwk.isPrivate()) {
      throw new RegistryException(
          where + " contains private key material; register public keys only");
    }
    String kid = jwk.getKeyID();
    if (kid == null || !KID.matcher(kid).matches()) {
      throw new RegistryException(where + " needs a kid of 1 to 128 printable ASCII characters");
    }
    if (jwk.getKeyUse() != null && !"sig".equals(jwk.getKeyUse().identifier())) {
      throw new RegistryException(where + " has a 'use' other than sig");
    }
    JWSAlgorithm algorithm =
        SignatureAlgorithms.algorithmFor(jwk)
            .orElseThrow(
                () ->
                    new RegistryException(
                        where
                            + " is not an EC P-256, RSA (at least 2048 bits) or Ed25519 public key"));
    if (jwk.getAlgorithm() != null && !algorithm.getName().equals(jwk.getAlgorithm().getName())) {
      throw new RegistryException(
          where
              + " declares alg "
              + safe(jwk.getAlgorithm().getName())
              + " but its key type signs with "
              + algorithm.getName());
    }
    try {
      return new PartnerKey(kid, algorithm, jwk, SignatureAlgorithms.verifierFor(jwk));
    } catch (JOSEException e) {
      throw new RegistryException(where + " cannot be used for verification");
    }
  }

  private static String string(Map<String, Object> entry, String member, String where) {
    Object value = entry.get(member);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new RegistryException(where + "." + member + " must be a non-empty string");
    }
    return text;
  }

  /** Keeps operator-facing messages printable and short when they quote the file. */
  private static String safe(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
  }
}
