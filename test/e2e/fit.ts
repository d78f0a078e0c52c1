import type { Page } from 'playwright-core';

/** The two sizes every page is checked at: a laptop, and a phone (an iPhone 12 to 15's CSS pixels). */
export const VIEWPORTS = [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 390, height: 844 }] as const;

/**
 * What sticks out past the viewport's right edge: the page's own scroll width, and each visible
 * element whose box ends beyond it (described by tag, id and class). Empty when the page fits.
 */
export async function widerThanViewport(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(MEASURE);
}

// Runs in the page (a string: the tests are compiled without the DOM's types).
const MEASURE = `(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px in ' + width + ' px');
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue; // hidden, or the 1 px screen-reader-only text
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '');
    if (box.right > width + 0.5) out.push('<' + name + '> ends at ' + Math.round(box.right) + ' px in ' + width + ' px');
  }
  return out;
})()`;

/**
 * factorgate's card or open dialog, or the demo gateway's own card (the first page a person
 * trying the demo sees), where it comes closer than `margin` px to a side of the viewport: on a
 * phone it should not touch the screen's edges. Empty when it keeps its margin.
 */
export async function cardsAtTheEdge(page: Page, margin = 8): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const dialog = document.querySelector('factorgate-dialog')?.shadowRoot?.querySelector('#fg-dialog[open]');
    const out = [];
    for (const el of [...document.querySelectorAll('.fg-card, body > main'), ...(dialog ? [dialog] : [])]) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1) continue;
      if (box.left < ${margin} || box.right > width - ${margin}) out.push('<' + el.tagName.toLowerCase() + '.' + el.className.split(' ').join('.') + '> spans ' + Math.round(box.left) + ' to ' + Math.round(box.right) + ' px of ' + width + ' px');
    }
    return out;
  })()`);
}
