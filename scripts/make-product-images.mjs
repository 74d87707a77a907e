// Writes the catalog's SVG illustrations to public/products (run once; the files are committed).
import { writeFileSync, mkdirSync } from "node:fs";
const items = {
  "masala-chai-tin": [
    "#7c2d12",
    "#f59e0b",
    '<rect x="110" y="90" width="180" height="220" rx="18" fill="#fde68a"/><rect x="110" y="90" width="180" height="40" rx="12" fill="#b45309"/><text x="200" y="225" font-size="34" text-anchor="middle" fill="#7c2d12" font-family="Georgia,serif">CHAI</text>',
  ],
  "brass-diya-pair": [
    "#422006",
    "#ca8a04",
    '<ellipse cx="140" cy="260" rx="70" ry="30" fill="#eab308"/><ellipse cx="260" cy="260" rx="70" ry="30" fill="#eab308"/><path d="M140 230 q-12 -40 0 -70 q12 30 0 70z" fill="#fb923c"/><path d="M260 230 q-12 -40 0 -70 q12 30 0 70z" fill="#fb923c"/>',
  ],
  "block-print-scarf": [
    "#1e3a8a",
    "#60a5fa",
    '<path d="M80 100 h240 v200 h-240z" fill="#eff6ff"/><g fill="#1d4ed8">' +
      Array.from({ length: 20 }, (_, i) => `<circle cx="${110 + (i % 5) * 45}" cy="${130 + Math.floor(i / 5) * 45}" r="12"/>`).join("") +
      "</g>",
  ],
  "jute-tote": [
    "#3f3f1f",
    "#a3a35a",
    '<path d="M110 150 h180 l-15 170 h-150z" fill="#d6c38f"/><path d="M150 150 q50 -90 100 0" stroke="#78350f" stroke-width="12" fill="none"/>',
  ],
  "terracotta-planter": [
    "#7f1d1d",
    "#f97316",
    '<path d="M130 170 h140 l-20 140 h-100z" fill="#c2410c"/><rect x="120" y="160" width="160" height="24" rx="6" fill="#9a3412"/><path d="M200 160 q-40 -70 -10 -100 M200 160 q40 -60 20 -110" stroke="#15803d" stroke-width="10" fill="none"/>',
  ],
  "darjeeling-first-flush": [
    "#14532d",
    "#86efac",
    '<ellipse cx="200" cy="200" rx="120" ry="60" fill="#22c55e" transform="rotate(-30 200 200)"/><path d="M110 250 L290 150" stroke="#14532d" stroke-width="6"/>',
  ],
  "madhubani-notebook": [
    "#581c87",
    "#f472b6",
    '<rect x="120" y="80" width="160" height="240" rx="8" fill="#fdf2f8"/><circle cx="200" cy="180" r="45" fill="none" stroke="#be185d" stroke-width="8"/><path d="M150 260 q50 -40 100 0" stroke="#7e22ce" stroke-width="8" fill="none"/>',
  ],
  "copper-bottle": [
    "#431407",
    "#fb923c",
    '<rect x="160" y="80" width="80" height="30" rx="8" fill="#7c2d12"/><path d="M150 120 h100 q20 0 20 30 v150 q0 25 -25 25 h-90 q-25 0 -25 -25 v-150 q0 -30 20 -30z" fill="#ea580c"/>',
  ],
  "test-rupee-item": [
    "#0f172a",
    "#64748b",
    '<circle cx="200" cy="200" r="100" fill="#e2e8f0"/><text x="200" y="235" font-size="110" text-anchor="middle" fill="#0f172a" font-family="sans-serif">₹</text>',
  ],
};
mkdirSync("public/products", { recursive: true });
for (const [slug, [dark, light, body]] of Object.entries(items)) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${light}"/><stop offset="1" stop-color="${dark}"/></linearGradient></defs><rect width="400" height="400" fill="url(#g)"/>${body}</svg>\n`;
  writeFileSync(`public/products/${slug}.svg`, svg);
}
