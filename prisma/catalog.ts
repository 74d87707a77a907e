/** The demo catalog. Prices in paise. Images are local SVGs in public/products. */
export const CATALOG = [
  { slug: "masala-chai-tin", name: "Masala Chai Tin", priceInPaise: 34900, description: "Assam CTC with cardamom, ginger and clove. 250 g in a reusable tin." },
  { slug: "brass-diya-pair", name: "Brass Diya Pair", priceInPaise: 89900, description: "Hand-cast brass oil lamps from Moradabad. Set of two." },
  {
    slug: "block-print-scarf",
    name: "Block-Print Cotton Scarf",
    priceInPaise: 129900,
    description: "Sanganeri block print on soft mulmul cotton, 180 × 70 cm.",
  },
  { slug: "jute-tote", name: "Handwoven Jute Tote", priceInPaise: 59900, description: "Sturdy jute tote with cotton handles. Carries a week of groceries." },
  { slug: "terracotta-planter", name: "Terracotta Planter", priceInPaise: 44900, description: "Hand-thrown terracotta pot with saucer, 15 cm." },
  {
    slug: "darjeeling-first-flush",
    name: "Darjeeling First Flush",
    priceInPaise: 74900,
    description: "Spring harvest from a single estate. 100 g loose leaf.",
  },
  { slug: "madhubani-notebook", name: "Madhubani Notebook", priceInPaise: 24900, description: "A5 notebook, 160 pages, with a Madhubani art cover." },
  { slug: "copper-bottle", name: "Copper Water Bottle", priceInPaise: 99900, description: "Pure copper, 950 ml, leak-proof lid." },
  {
    slug: "test-rupee-item",
    name: "Test Item (₹1)",
    priceInPaise: 100,
    description: "The smallest amount Plural accepts: handy for trying a real UAT payment.",
  },
] as const;
