package org.parcelgate.pki;

/**
 * Unchecked failure of the sample PKI: a key, certificate, CRL or file of the sample could not be
 * made or read.
 *
 * <p>The sample PKI is a development and test tool, so its checked JCA, JOSE and parse exceptions
 * are wrapped in this one type; I/O failures are reported as {@link java.io.UncheckedIOException}.
 */
public final class PkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message and the underlying cause. */
  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message only. */
  public PkiException(String message) {
    super(message);
  }
}
