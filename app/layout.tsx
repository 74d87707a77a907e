import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { shopperCart } from "@/app/(shop)/session";
import { env } from "@/lib/env";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Plural UPI Storefront", template: "%s · Plural UPI Storefront" },
  description: "A reference storefront that accepts UPI through Pine Labs Plural.",
  // Plain files in public/ (cacheable for a day, next.config.ts), not app/ metadata routes: a browser
  // asks for the icon again on every client navigation, and a file costs the server half a route's CPU.
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
  },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#1d5fd1" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const sandbox = env().sandboxUrl;
  const count = (await shopperCart()).count;
  return (
    <html lang="en-IN">
      <body className="min-h-dvh flex flex-col">
        {sandbox && (
          // In a landmark of its own, so no content sits outside one (axe: region).
          <aside aria-label="Sandbox mode">
            <div role="note" className="bg-amber-100 text-amber-900 text-sm text-center px-4 py-1.5 border-b border-amber-200">
              <strong>Sandbox</strong>: payments go to the built-in Plural simulator. No real money moves.{" "}
              <Link href={sandbox} prefetch={false} className="underline underline-offset-2">
                Open the sandbox
              </Link>
            </div>
          </aside>
        )}
        {/* The shop's links do not prefetch (prefetch={false}): every shop page is dynamic, so a prefetch
            is a server render of the layout down to the loading state, and a page with 9 product cards
            and the header asked for a dozen of them, again after each action, for the one link a
            shopper then clicks (bench:cpu: a quarter of a checkout's requests). A click renders the
            page in one request instead. The checkout button keeps its prefetch. */}
        <header className="bg-white border-b border-slate-200">
          <div className="mx-auto max-w-6xl px-4 h-14 flex items-center justify-between gap-4">
            <Link href="/" prefetch={false} className="font-semibold text-lg tracking-tight text-brand-900">
              Plural <span className="text-brand-600">UPI</span> Store
            </Link>
            <nav aria-label="Main" className="flex items-center gap-4 text-sm">
              <Link href="/" prefetch={false} className="hover:text-brand-700">
                Catalog
              </Link>
              <Link href="/cart" prefetch={false} className="hover:text-brand-700" data-testid="cart-link">
                Cart
                {count > 0 && (
                  <span className="ml-1 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs text-white">
                    {count}
                    <span className="sr-only"> items</span>
                  </span>
                )}
              </Link>
            </nav>
          </div>
        </header>
        <main id="main" className="flex-1 mx-auto w-full max-w-6xl px-4 py-8">
          {children}
        </main>
        <footer className="border-t border-slate-200 text-xs text-slate-500 py-6 text-center">
          Reference integration of Pine Labs Plural&apos;s seamless UPI checkout. Prices include GST.
        </footer>
      </body>
    </html>
  );
}
