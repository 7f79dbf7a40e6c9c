/**
 * The page's one stylesheet. It is inline (the page loads nothing) and
 * allowed by its hash, so it is plain text built from constants: the only
 * variable part is the grid width, which depends on the stage count.
 */
import { LABEL_COLUMN_PHONE_PX, LABEL_COLUMN_PX, stageColumnPx } from './layout.js';

const BASE = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#eef1f4;--bg:#f6f8fa;--panel:#fff;
--accent:#0969da;--good:#1a7f37;--good-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}
body{margin:0;font-size:14px;line-height:1.45}
main{max-width:1400px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:26px;margin:0 0 4px;overflow-wrap:anywhere}
h2{font-size:18px;margin:0 0 4px}
h3{font-size:15px;margin:16px 0 8px;overflow-wrap:anywhere}
p{margin:0 0 8px}
.eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:11px;color:var(--muted);margin:0}
.desc{color:var(--muted);max-width:80ch;overflow-wrap:anywhere}
.hint{color:var(--muted);font-size:13px}
.page-head{padding:8px 0 16px}
.facts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:12px 0 0}
.facts div{min-width:0}
.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 20px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:8px -18px 0;padding:0 18px 4px}
.empty{font-size:16px;padding:24px 0;color:var(--muted)}
.grid{table-layout:fixed;border-collapse:separate;border-spacing:0}
.grid th,.grid td{vertical-align:top;text-align:left;padding:8px 10px;border-bottom:1px solid var(--soft);overflow-wrap:anywhere}
.grid .label-col{width:${LABEL_COLUMN_PX}px}
.grid .row-label{position:sticky;left:0;z-index:2;background:var(--panel);font-weight:500;color:var(--muted);font-size:13px;border-right:1px solid var(--line)}
.grid thead th{border-bottom:2px solid var(--line);background:var(--panel)}
.grid .corner{position:sticky;left:0;z-index:3;color:var(--muted);font-weight:500;font-size:12px;text-transform:uppercase;letter-spacing:.06em}
.stage-head .stage-index{display:inline-block;min-width:22px;height:22px;line-height:22px;border-radius:11px;background:var(--soft);color:var(--muted);text-align:center;font-size:12px;font-weight:600;margin-right:6px}
.stage-head .stage-name{font-size:15px;font-weight:650}
.stage-head .stage-desc{display:block;color:var(--muted);font-weight:400;font-size:12px;margin-top:4px}
.stage-head.conversion{background:#f1f8ff}
.layer-row th,.layer-row td{background:var(--bg);padding:5px 10px;border-bottom:1px solid var(--line);border-top:1px solid var(--line)}
.layer-row th{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:var(--ink);font-weight:700;background:var(--bg)}
.big{font-size:18px;font-weight:650;font-variant-numeric:tabular-nums}
.fig{font-variant-numeric:tabular-nums}
.sub{display:block;color:var(--muted);font-size:12px}
.bar{display:block;margin-top:4px}
.list{list-style:none;margin:0;padding:0}
.list li{display:flex;justify-content:space-between;gap:8px;padding:2px 0;font-size:13px}
.list .name{min-width:0;overflow-wrap:anywhere}
.list .fig{color:var(--muted);white-space:nowrap}
.tp{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.chip{display:inline-block;font-size:10px;border-radius:8px;padding:0 6px;margin-left:4px;background:var(--soft);color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.chip.offline{background:var(--warn-bg);color:var(--warn)}
.none{color:var(--muted)}
.quote{margin:0 0 6px;padding-left:8px;border-left:3px solid var(--line);font-size:12px;overflow-wrap:anywhere}
.quote .sub{font-size:11px}
.curve-cell{padding:0!important}
.curve-cell svg{display:block}
.badge{display:inline-block;font-size:11px;font-weight:600;border-radius:10px;padding:1px 8px;background:var(--soft);color:var(--muted);white-space:nowrap}
.badge.bad{background:var(--bad-bg);color:var(--bad)}
.badge.good{background:var(--good-bg);color:var(--good)}
.badge.warn{background:var(--warn-bg);color:var(--warn)}
.rate-bad{color:var(--bad);font-weight:600}
.opps{list-style:none;margin:8px 0 0;padding:0;display:grid;gap:10px}
.opp{display:flex;gap:12px;align-items:flex-start;padding:10px 12px;border:1px solid var(--soft);border-radius:8px}
.opp .rank{flex:none;width:28px;height:28px;border-radius:14px;background:var(--soft);text-align:center;line-height:28px;font-weight:700}
.opp.bottleneck .rank{background:var(--bad-bg);color:var(--bad)}
.opp-title{font-weight:650;margin:0 0 2px;overflow-wrap:anywhere}
.opp-cell{font-size:13px}
.table{border-collapse:collapse;width:100%;min-width:640px}
.table th,.table td{padding:6px 10px;border-bottom:1px solid var(--soft);text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.table th:first-child,.table td:first-child{text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:14em}
.table .text{text-align:left;white-space:normal}
.table thead th{font-size:12px;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line)}
.table td.verdict,.table th.verdict{text-align:left}
.sankey svg{display:block}
details{margin-top:12px}
summary{cursor:pointer;font-weight:600}
.tabs{display:none;flex-wrap:wrap;gap:6px;margin:10px 0 4px;border-bottom:1px solid var(--line)}
.js .tabs{display:flex}
.tab{font:inherit;font-size:13px;border:1px solid transparent;border-bottom:none;background:none;padding:6px 12px;border-radius:8px 8px 0 0;cursor:pointer;color:var(--muted);margin-bottom:-1px;max-width:260px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tab[aria-selected="true"]{background:var(--panel);border-color:var(--line);color:var(--ink);font-weight:650}
.tab:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
.tab .count{color:var(--muted);font-weight:400;margin-left:4px}
.persona+.persona{border-top:1px solid var(--line);margin-top:16px}
.js .persona+.persona{border-top:none;margin-top:0}
.notes{margin:0;padding-left:18px;color:var(--muted)}
.controls{background:var(--panel);border-bottom:1px solid var(--line)}
.controls form{max-width:1400px;margin:0 auto;padding:10px 24px;display:flex;flex-wrap:wrap;gap:10px 14px;align-items:flex-end}
.controls label{display:flex;flex-direction:column;font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em;gap:2px}
.controls input,.controls select{font:inherit;font-size:14px;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--ink);min-width:0}
.controls input.when{width:12em}
.controls button{font:inherit;font-weight:600;padding:6px 16px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
.error{max-width:720px}
.error pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);padding:12px;border-radius:6px;font-size:13px}
@media (max-width:640px){
main{padding:12px 12px 32px}
h1{font-size:21px}
.panel{padding:12px;border-radius:8px}
.scroll{margin:8px -12px 0;padding:0 12px 4px}
.grid .label-col{width:${LABEL_COLUMN_PHONE_PX}px}
.grid th,.grid td{padding:6px 8px}
.facts{gap:6px 18px}
.controls form{padding:8px 12px}
.controls label{flex:1 1 40%}
.controls input.when{width:100%}
}
@media print{
@page{size:landscape;margin:12mm}
:root{background:#fff}
.controls,.tabs{display:none!important}
.persona[hidden]{display:block!important}
.panel{border:none;padding:0;break-inside:auto}
.scroll{overflow:visible;margin:0;padding:0}
.grid{width:100%!important}
.grid .row-label,.grid .corner{position:static}
.curve-cell svg,.sankey svg{width:100%;height:auto}
main{max-width:none;padding:0}
}
`;

/** The stylesheet for a map of stageCount stage columns. */
export function pageStyles(stageCount: number): string {
  const column = stageColumnPx(stageCount);
  return `${BASE}.grid{width:${LABEL_COLUMN_PX + stageCount * column}px}
@media (max-width:640px){.grid{width:${LABEL_COLUMN_PHONE_PX + stageCount * column}px}}
@media print{.grid{width:100%!important}}
`;
}
