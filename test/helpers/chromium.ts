// Opens a page in headless Chromium (Debian's chromium through puppeteer-core), collecting every
// console error, page error and failed request, and takes a full-page screenshot.
import type { Page } from "puppeteer-core";

export async function inChromium<T>(file: string, screenshot: string, look: (page: Page, errors: string[]) => Promise<T>): Promise<T> {
  const { launch } = await import("puppeteer-core");
  const browser = await launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--headless=new"] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    page.on("pageerror", (e) => void errors.push(String(e)));
    page.on("requestfailed", (r) => void errors.push(`request failed: ${r.url()}`));
    await page.setViewport({ width: 1500, height: 1000 });
    await page.goto(`file://${file}`, { waitUntil: "load" });
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    return await look(page, errors);
  } finally {
    await browser.close();
  }
}
