import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Invoice } from './invoice.js';

/**
 * A one-page (more if the lines need it) A4 invoice, drawn with pdf-lib's built-in Helvetica, so
 * it needs no font files or network. Built-in fonts encode WinAnsi only: other characters print as '?'.
 */
const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const GREY = rgb(0.42, 0.45, 0.5);
const INK = rgb(0.1, 0.12, 0.16);
const RULE = rgb(0.82, 0.84, 0.87);
// Columns: description, calls, input tokens, output tokens, amount (right edges for numbers).
const COLUMNS = [{ x: MARGIN }, { right: 300 }, { right: 385 }, { right: 465 }, { right: PAGE[0] - MARGIN }] as const;

interface Pen {
  doc: PDFDocument;
  page: PDFPage;
  y: number;
  regular: PDFFont;
  bold: PDFFont;
}

const winAnsi = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function text(pen: Pen, value: string, x: number, opts: { size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; right?: boolean; maxWidth?: number } = {}) {
  const font = opts.bold ? pen.bold : pen.regular;
  const size = opts.size ?? 9.5;
  let s = winAnsi(value);
  while (opts.maxWidth && s.length > 3 && font.widthOfTextAtSize(s, size) > opts.maxWidth) s = `${s.slice(0, -4)}...`;
  const width = font.widthOfTextAtSize(s, size);
  pen.page.drawText(s, { x: opts.right ? x - width : x, y: pen.y, size, font, color: opts.color ?? INK });
}

function rule(pen: Pen, weight = 0.6) {
  pen.page.drawLine({ start: { x: MARGIN, y: pen.y }, end: { x: PAGE[0] - MARGIN, y: pen.y }, thickness: weight, color: RULE });
}

function advance(pen: Pen, by: number) {
  pen.y -= by;
  if (pen.y < MARGIN + 40) {
    pen.page = pen.doc.addPage(PAGE);
    pen.y = PAGE[1] - MARGIN;
  }
}

function row(pen: Pen, cells: string[], opts: { bold?: boolean; color?: ReturnType<typeof rgb> } = {}) {
  text(pen, cells[0] ?? '', COLUMNS[0].x, { ...opts, maxWidth: 200 });
  cells.slice(1).forEach((cell, i) => text(pen, cell, (COLUMNS[i + 1] as { right: number }).right, { ...opts, right: true }));
  advance(pen, 16);
}

function header(pen: Pen, inv: Invoice, issued: Date) {
  text(pen, 'INVOICE', MARGIN, { size: 22, bold: true });
  text(pen, 'Issued by TokenLedger', PAGE[0] - MARGIN, { right: true, color: GREY });
  advance(pen, 34);
  const last = new Date(new Date(inv.period_end).getTime() - 86_400_000).toISOString().slice(0, 10);
  const facts: Array<[string, string]> = [
    ['Bill to', `${inv.client_name} (${inv.client})`],
    ['Period', `${inv.period}: ${inv.period_start.slice(0, 10)} to ${last} (UTC)`],
    ['Issued', issued.toISOString().slice(0, 10)],
    ['Currency', inv.currency === 'USD' ? 'USD' : `${inv.currency} (fixed rate: 1 USD = ${inv.exchange_rate} ${inv.currency})`],
  ];
  for (const [label, value] of facts) {
    text(pen, label, MARGIN, { color: GREY });
    text(pen, value, MARGIN + 70, { bold: label === 'Bill to' });
    advance(pen, 15);
  }
  advance(pen, 12);
}

function lines(pen: Pen, inv: Invoice) {
  const costPlus = inv.plan.type === 'cost_plus';
  if (!costPlus) {
    text(pen, 'AI usage at cost (billed through the plan below, not line by line)', MARGIN, { bold: true });
    advance(pen, 16);
  }
  row(pen, ['Provider / model', 'Calls', 'Input tokens', 'Output tokens', `${costPlus ? 'Amount' : 'AI cost'} (${inv.currency})`], { bold: true, color: GREY });
  pen.y += 10;
  rule(pen);
  advance(pen, 14);
  if (inv.lines.length === 0) row(pen, ['No billable usage in this period', '', '', '', '0.00'], { color: GREY });
  for (const l of inv.lines) row(pen, [`${l.provider} / ${l.model}${l.source ? ' (provider report)' : ''}`, thousands(l.calls), thousands(l.input_tokens), thousands(l.output_tokens), l.amount]);
  pen.y += 10;
  rule(pen);
  advance(pen, 16);
}

/** The plan lines: what is billed, each explained; lines shown only to explain are grey and marked. */
function totals(pen: Pen, inv: Invoice) {
  for (const l of inv.plan_lines) {
    const color = l.billed ? INK : GREY;
    text(pen, l.billed ? l.description : `${l.description} (not billed)`, MARGIN, { color, maxWidth: 400 });
    text(pen, l.amount, PAGE[0] - MARGIN, { right: true, color });
    advance(pen, l.note ? 11 : 15);
    if (l.note) {
      text(pen, l.note, MARGIN + 10, { size: 7.5, color: GREY, maxWidth: 420 });
      advance(pen, 13);
    }
  }
  text(pen, `Total due (${inv.currency})`, 385, { bold: true, right: true, size: 11 });
  text(pen, inv.total, PAGE[0] - MARGIN, { bold: true, right: true, size: 11 });
  advance(pen, 20);
  const change = inv.change_pct === null ? '' : `, change ${inv.change_pct.startsWith('-') ? '' : '+'}${inv.change_pct}%`;
  text(pen, `Previous period ${inv.previous_period}: ${inv.previous_period_total} ${inv.currency}${change}`, PAGE[0] - MARGIN, { right: true, color: GREY });
  advance(pen, 28);
}

function notBilled(pen: Pen, inv: Invoice) {
  if (!inv.unpriced.length && !inv.unmetered.length) return;
  text(pen, 'Usage not billed', MARGIN, { bold: true });
  advance(pen, 15);
  for (const l of inv.unpriced) {
    text(pen, `${l.provider} / ${l.model}: ${thousands(l.calls)} calls, ${thousands(l.input_tokens)} input and ${thousands(l.output_tokens)} output tokens (no price on file)`, MARGIN, { color: GREY, maxWidth: PAGE[0] - 2 * MARGIN });
    advance(pen, 14);
  }
  for (const l of inv.unmetered) {
    text(pen, `${l.provider} / ${l.model}: ${thousands(l.calls)} calls without reported token usage`, MARGIN, { color: GREY, maxWidth: PAGE[0] - 2 * MARGIN });
    advance(pen, 14);
  }
  advance(pen, 8);
}

export async function invoicePdf(inv: Invoice, issued: Date): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Invoice ${inv.client} ${inv.period}`);
  doc.setProducer('TokenLedger');
  doc.setCreationDate(issued);
  const pen: Pen = { doc, page: doc.addPage(PAGE), y: PAGE[1] - MARGIN - 10, regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };
  header(pen, inv, issued);
  lines(pen, inv);
  totals(pen, inv);
  notBilled(pen, inv);
  text(pen, 'Each line is rounded half-up to the cent; the total is the sum of the rounded billed lines. Markups apply to exact costs.', MARGIN, { size: 7.5, color: GREY });
  return doc.save();
}
