package org.parcelgate.schema.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The goods {@link RiskTraffic} sells: per HS subheading (real 6-digit codes), products whose
 * prices spread log-normally around the subheading's median, as prices within one subheading do (a
 * no-name cable and a branded one share a code).
 */
final class GoodsCatalogue {
  /**
   * One HS subheading.
   *
   * @param unit the UN/ECE Recommendation 20 unit the goods are sold in (H87 pieces, KGM kilograms)
   * @param medianEurCents the median price of one unit
   * @param sigma the standard deviation of the log price of the subheading's products
   */
  record Subheading(
      String hs6,
      String unit,
      String description,
      long medianEurCents,
      double sigma,
      long gramsPerUnit,
      String[] brands) {}

  /** One product: its subheading, description, brand (or null) and true price in euro cents. */
  record Product(
      Subheading subheading, int number, String description, String brand, long eurCents) {}

  static final List<Subheading> SUBHEADINGS =
      List.of(
          new Subheading(
              "851830",
              "H87",
              "Bluetooth over-ear headphones",
              3500,
              0.8,
              310,
              new String[] {"Sonoro", "Auralis"}),
          new Subheading(
              "851762", "H87", "Smartwatch with heart-rate sensor", 4500, 0.9, 80, new String[0]),
          new Subheading(
              "854442",
              "H87",
              "USB-C charging cable, braided, 2 m",
              800,
              0.6,
              60,
              new String[] {"Voltline"}),
          new Subheading(
              "610910", "H87", "Men's cotton T-shirt, printed", 1200, 0.6, 180, new String[0]),
          new Subheading(
              "611020", "H87", "Women's cotton knitted pullover", 2500, 0.6, 290, new String[0]),
          new Subheading(
              "640411",
              "H87",
              "Running shoes with textile uppers, one pair",
              4000,
              0.7,
              700,
              new String[] {"Strida"}),
          new Subheading(
              "420222",
              "H87",
              "Shoulder handbag with textile outer surface",
              3000,
              0.9,
              450,
              new String[0]),
          new Subheading(
              "950300",
              "H87",
              "Children's wooden building blocks",
              1800,
              0.8,
              1150,
              new String[] {"Kubi"}),
          new Subheading(
              "691200",
              "H87",
              "Ceramic coffee mug with printed design",
              1000,
              0.5,
              380,
              new String[0]),
          new Subheading(
              "940521",
              "H87",
              "LED desk lamp with USB charging port",
              2500,
              0.6,
              900,
              new String[] {"Lumio"}),
          new Subheading(
              "392690", "H87", "Plastic phone stand, adjustable", 600, 0.8, 90, new String[0]),
          new Subheading(
              "330499", "H87", "Moisturising face cream, 50 ml", 1500, 0.7, 120, new String[0]),
          new Subheading(
              "711719",
              "H87",
              "Imitation jewellery necklace of base metal",
              900,
              0.9,
              40,
              new String[0]),
          new Subheading(
              "910219",
              "H87",
              "Quartz wrist watch with steel strap",
              3000,
              1.0,
              120,
              new String[0]),
          new Subheading("090210", "KGM", "Green tea, loose leaf", 4000, 0.6, 1000, new String[0]),
          new Subheading(
              "210690",
              "KGM",
              "Protein powder food supplement, vanilla flavour",
              3000,
              0.6,
              1000,
              new String[0]),
          new Subheading(
              "847130", "H87", "Tablet computer, 10 inch, 64 GB", 12000, 0.6, 520, new String[0]),
          new Subheading(
              "851713",
              "H87",
              "Smartphone, 6.5 inch, 128 GB",
              16000,
              0.6,
              210,
              new String[] {"Novaphone"}),
          new Subheading(
              "900410", "H87", "Sunglasses with UV400 lenses", 1500, 0.9, 60, new String[0]),
          new Subheading(
              "392620",
              "H87",
              "Disposable nitrile gloves, box of 100",
              700,
              0.5,
              500,
              new String[0]));

  /** Products per subheading. */
  static final int PRODUCTS = 400;

  private final List<List<Product>> products = new ArrayList<>();

  GoodsCatalogue(SplittableRandom random) {
    for (Subheading subheading : SUBHEADINGS) {
      List<Product> list = new ArrayList<>(PRODUCTS);
      for (int i = 0; i < PRODUCTS; i++) {
        long price =
            Math.max(
                50,
                Math.round(
                    subheading.medianEurCents()
                        * Math.exp(subheading.sigma() * random.nextGaussian())));
        String brand =
            subheading.brands().length > 0 && random.nextInt(3) == 0
                ? subheading.brands()[random.nextInt(subheading.brands().length)]
                : null;
        list.add(
            new Product(
                subheading,
                i + 1,
                subheading.description() + ", model " + (char) ('A' + i % 26) + (100 + i),
                brand,
                price));
      }
      products.add(List.copyOf(list));
    }
  }

  int subheadings() {
    return SUBHEADINGS.size();
  }

  List<Product> products(int subheading) {
    return products.get(subheading);
  }
}
