/**
 * A page wd wrote, opened in Debian's headless Chromium (installed by scripts/install-deps.sh) through playwright-core,
 * which drives a browser but never downloads one. What a person would see: console errors, uncaught errors, every
 * request the page makes, and a screenshot.
 */
import {chromium, type Browser, type Page} from 'playwright-core'
import {pathToFileURL} from 'node:url'

const CHROMIUM = process.env.WD_CHROMIUM ?? '/usr/bin/chromium'

export interface Opened {
  browser: Browser
  page: Page
  /** console errors and uncaught exceptions, in order */
  errors: string[]
  /** every URL the page asked for after the file itself */
  requests: string[]
}

export async function openFile(path: string): Promise<Opened> {
  // the flags this machine needs: no sandbox as root, and no background connections to hosts it cannot reach
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const page = await browser.newPage({viewport: {width: 1400, height: 900}})
  const errors: string[] = []
  const requests: string[] = []
  const self = pathToFileURL(path).href
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  page.on('request', (r) => {
    if (r.url() !== self) requests.push(r.url())
  })
  await page.goto(self, {waitUntil: 'load'})
  return {browser, page, errors, requests}
}
