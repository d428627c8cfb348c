package org.parcelgate.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Figure;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;

/**
 * The stored form of an assessment's findings ({@code risk_assessment.findings}): a version byte,
 * then the findings, each as its flag's wire name, score, reason and figures (UTF-8 texts with
 * their lengths). Flags are stored by wire name, which never changes, so a stored finding reads the
 * same after flags are added. A later format takes the next version and keeps reading this one.
 */
final class AssessmentCodec {
  static final int VERSION = 1;

  private AssessmentCodec() {}

  static byte[] encode(Assessment assessment) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(assessment.findings().size());
      for (Finding finding : assessment.findings()) {
        out.writeUTF(finding.flag().wireName());
        out.writeByte(finding.score());
        out.writeUTF(finding.reason());
        out.writeInt(finding.figures().size());
        for (Figure figure : finding.figures()) {
          out.writeUTF(figure.name());
          out.writeUTF(figure.value());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalStateException for bytes of an unknown version or that do not decode
   */
  static Assessment decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalStateException("stored findings of unknown version " + version);
      }
      int count = in.readInt();
      List<Finding> findings = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Flag flag = Flag.fromWireName(in.readUTF());
        int score = in.readUnsignedByte();
        String reason = in.readUTF();
        int figureCount = in.readInt();
        List<Figure> figures = new ArrayList<>(figureCount);
        for (int j = 0; j < figureCount; j++) {
          figures.add(new Figure(in.readUTF(), in.readUTF()));
        }
        findings.add(new Finding(flag, score, reason, figures));
      }
      if (in.read() != -1) {
        throw new IllegalStateException("stored findings have bytes after their end");
      }
      return new Assessment(findings);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("stored findings do not decode", e);
    }
  }

  /** The flags column: each flag's wire name between commas, sorted ({@code ",a,b,"}). */
  static String flags(Assessment assessment) {
    StringBuilder flags = new StringBuilder(",");
    assessment.findings().stream()
        .map(finding -> finding.flag().wireName())
        .distinct()
        .sorted()
        .forEach(name -> flags.append(name).append(','));
    return flags.toString();
  }

  /**
   * The {@code LIKE} pattern of a flags column that holds {@code flag}, with {@code !} as the
   * escape character: a wire name's underscores match only underscores.
   */
  static String pattern(Flag flag) {
    return "%," + flag.wireName().replace("_", "!_") + ",%";
  }
}
