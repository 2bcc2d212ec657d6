/**
 * A claim's note is Markdown (src/report/note.ts): the HTML report renders its headings,
 * lists, tables and code, and nothing written in a note becomes live HTML — no script, no
 * event handler, no javascript: link, no image fetched from elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { noteMarkdown, renderNoteHtml } from '../../src/report/note';

const NOTE = [
  '# Table 1 as measured',
  '',
  'Measured at the standard tier (n = 500, 3 trials), root seed `20231123`:',
  '',
  '| case | test MSE | × lazy |',
  '|---|---|---|',
  '| Lazy (eq. (6)) | 0.369 | — |',
  '| Case 1 GD η=5 | 0.417 | ×1.13–1.22 |',
  '',
  '- Cases 1 and 2 do not beat lazy;',
  '- Case 4 is *heavy-tailed*.',
  '',
  '1. first',
  '2. second',
  '',
  'Smoke',
  '-----',
  '',
  '###### Deep',
].join('\n');

const ATTACKS = [
  '<script>alert(1)</script>',
  '',
  'text <img src=x onerror=alert(2)> more <b onmouseover="alert(3)">bold</b>',
  '',
  '<div onclick="alert(4)">block</div>',
  '',
  '[click](javascript:alert(5)) and [data](data:text/html;base64,PHNjcmlwdD4=) and <javascript:alert(6)>',
  '',
  '![tracker](https://example.com/pixel.png)',
].join('\n');

describe('a note rendered as HTML', () => {
  const html = renderNoteHtml(NOTE);

  it('renders tables, lists, inline code and emphasis', () => {
    expect(html).toMatch(/<table>\n<thead>\n<tr>\n<th>case<\/th>\n<th>test MSE<\/th>/);
    expect(html).toContain('<td>Case 1 GD η=5</td>\n<td>0.417</td>\n<td>×1.13–1.22</td>');
    expect(html).toContain('<ul>\n<li>Cases 1 and 2 do not beat lazy;</li>\n<li>Case 4 is <em>heavy-tailed</em>.</li>\n</ul>');
    expect(html).toContain('<ol>\n<li>first</li>');
    expect(html).toContain('root seed <code>20231123</code>:');
  });

  it('moves headings two levels down (under the claim\'s own), never below h6', () => {
    expect(html).toContain('<h3>Table 1 as measured</h3>');
    expect(html).toContain('<h4>Smoke</h4>');
    expect(html).toContain('<h6>Deep</h6>');
    expect(html).not.toMatch(/<h[12]>/);
  });

  it('escapes raw HTML and refuses script links and images', () => {
    const out = renderNoteHtml(ATTACKS);
    expect(out).not.toMatch(/<(script|img|div|b)\b/i);
    expect(out).not.toMatch(/href="(javascript|data):/i);
    expect(out).not.toMatch(/\son\w+="/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(out).toContain('&lt;div onclick=&quot;alert(4)&quot;&gt;block&lt;/div&gt;');
    expect(out).toContain('[click](javascript:alert(5))');
    expect(out).toContain('!<a href="https://example.com/pixel.png">tracker</a>');
  });
});

describe('a note embedded in summary.md', () => {
  it('moves headings two levels down, setext ones included, and leaves the rest as written', () => {
    const md = noteMarkdown(NOTE);
    expect(md.split('\n')[0]).toBe('### Table 1 as measured');
    expect(md).toContain('\n#### Smoke\n');
    expect(md).not.toContain('-----');
    expect(md).toContain('\n###### Deep');
    expect(md).toContain('| Case 1 GD η=5 | 0.417 | ×1.13–1.22 |');
    expect(md).toContain('- Case 4 is *heavy-tailed*.');
  });

  it('escapes the start of every tag, so no raw HTML renders', () => {
    const md = noteMarkdown(ATTACKS);
    expect(md).not.toMatch(/<[A-Za-z/!?]/);
    expect(md).toContain('&lt;script>alert(1)&lt;/script>');
  });
});
