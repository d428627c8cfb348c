package org.parcelgate.protocol;

import com.nimbusds.jose.JOSEObjectType;

/**
 * The {@code typ} header of every JWS the protocol defines, so a token of one kind can never pass
 * for another. Compared exactly: {@link JOSEObjectType#equals} ignores case, the protocol does not.
 */
public final class JoseTypes {
  /** A partner's (or the pushing gateway's) request token. */
  public static final JOSEObjectType REQUEST = new JOSEObjectType("parcelgate-request+jwt");

  /** The gateway's receipt of a batch. */
  public static final JOSEObjectType RECEIPT = new JOSEObjectType("parcelgate-receipt+jwt");

  /** A signed tree head of the minimization log. */
  public static final JOSEObjectType CHECKPOINT = new JOSEObjectType("parcelgate-checkpoint+jwt");

  /** The detached signature of a customs feed page ({@code Parcelgate-Signature}). */
  public static final JOSEObjectType FEED_PAGE = new JOSEObjectType("parcelgate-feed+jws");

  private JoseTypes() {}

  /** What an object of the type is called in messages: {@code receipt}, {@code checkpoint}, ... */
  public static String describe(JOSEObjectType type) {
    if (REQUEST.equals(type)) {
      return "request token";
    }
    if (RECEIPT.equals(type)) {
      return "receipt";
    }
    if (CHECKPOINT.equals(type)) {
      return "checkpoint";
    }
    if (FEED_PAGE.equals(type)) {
      return "feed page";
    }
    return type.getType();
  }

  /** Whether a header's {@code typ} is exactly {@code expected}. */
  public static boolean is(JOSEObjectType actual, JOSEObjectType expected) {
    return actual != null && expected.getType().equals(actual.getType());
  }
}
