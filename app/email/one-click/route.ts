import { NextResponse, type NextRequest } from "next/server";
import { readUnsubscribeToken, unsubscribe } from "@/lib/mail/subscriptions";
import { db } from "@/lib/server/db";
import { consume } from "@/lib/server/rate-limit";
import { clientIp } from "@/lib/server/request";
import { addressKey } from "@/lib/server/address-key";

// RFC 8058 one-click unsubscribe: the mail's List-Unsubscribe URL. A mail provider POSTs
// "List-Unsubscribe=One-Click" to it, with no cookie and no Origin (proxy.ts lets it through); the
// signed token alone says what to stop. A GET (a reader opening the URL) gets the page with a button.

export async function POST(request: NextRequest) {
  if (!(await consume(`email-link:${addressKey(await clientIp())}`, [{ limit: 30, seconds: 60 }])).ok) {
    return new NextResponse("Too many requests\n", { status: 429, headers: { "retry-after": "60" } });
  }
  const target = readUnsubscribeToken(request.nextUrl.searchParams.get("t"));
  if (!target) return new NextResponse("This unsubscribe link is not valid.\n", { status: 400 });
  await unsubscribe(db(), target);
  return new NextResponse("Unsubscribed.\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function GET(request: NextRequest) {
  const url = new URL("/email/unsubscribe", request.nextUrl);
  url.search = request.nextUrl.search;
  return NextResponse.redirect(url, 303);
}
