package org.parcelgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layout's promises, checked: the rules (token verification, registry, trust decisions, errors,
 * signing keys) are plain Java that can run without a server, and nothing below the wiring depends
 * on it.
 */
@AnalyzeClasses(packages = "org.parcelgate", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule rulesDoNotDependOnVertx =
      noClasses()
          .that()
          .resideInAnyPackage(
              "org.parcelgate.error..",
              "org.parcelgate.auth..",
              "org.parcelgate.tls..",
              "org.parcelgate.signing..",
              "org.parcelgate.validation..",
              "org.parcelgate.ingest..",
              "org.parcelgate.privacy..",
              "org.parcelgate.risk..",
              "org.parcelgate.store..",
              "org.parcelgate.delivery..")
          .and()
          .haveSimpleNameNotEndingWith("Handler")
          .and()
          .doNotBelongToAnyOf(
              org.parcelgate.delivery.Pusher.class, org.parcelgate.delivery.PushClient.class)
          .and()
          .doNotHaveSimpleName("PartnerContext")
          .and()
          .doNotHaveSimpleName("PartnerServerOptions")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.vertx..")
          .because("the domain core is tested without a server and reused by clients");

  @ArchTest
  static final ArchRule onlyTheWiringKnowsTheWholeGateway =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.parcelgate.app..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.parcelgate.app..");

  @ArchTest
  static final ArchRule riskRulesStandAlone =
      noClasses()
          .that()
          .resideInAPackage("org.parcelgate.risk..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.parcelgate.store..",
              "org.parcelgate.delivery..",
              "org.parcelgate.http..",
              "org.parcelgate.config..",
              "org.parcelgate.ingest..")
          .because("the detectors are judged by the evaluation without a store or a server");

  @ArchTest
  static final ArchRule securityRulesDoNotDependOnTheHttpLayer =
      noClasses()
          .that()
          .resideInAnyPackage(
              "org.parcelgate.auth..", "org.parcelgate.tls..", "org.parcelgate.error..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.parcelgate.http..", "org.parcelgate.config..");
}
