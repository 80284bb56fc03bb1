"""The maps' stylesheet: type scale, panel, popups, labels, controls, phone widths and print (A4).

Set once per map in the page's ``<head>`` (:func:`geo.maps._base.new_map`).
"""

from __future__ import annotations

from typing import Final

from .. import style
from .._html import FONT_STACK
from ._layout import NARROW_PX, PANEL_WIDTH_PX

# Type scale (px): 16 panel title, 15 popup title, 13 section headings, 12 body, 11 small print and labels.
CSS: Final = f"""
.leaflet-container {{ font-family: {FONT_STACK}; background: #f4f3ef; font-size: 12px; line-height: 1.4; }}
:lang(ja) .leaflet-container, .leaflet-container:lang(ja) {{ font-family: "Noto Sans CJK JP", {FONT_STACK}; }}
:lang(ko) .leaflet-container, .leaflet-container:lang(ko), :lang(ko) .tb-print {{ word-break: keep-all; }}
:lang(ja) .leaflet-container, .leaflet-container:lang(ja), :lang(ja) .tb-print {{ word-break: auto-phrase; }}
.leaflet-container, .tb-print {{ overflow-wrap: break-word; }}
.tb-q, .tb-num, td.num, .tb-claims td.num {{ white-space: nowrap; font-variant-numeric: tabular-nums; }}
.leaflet-top.leaflet-left {{ z-index: 1001; }}
.tb-control {{ background: rgba(255,255,255,0.96); border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.3);
  padding: 8px 12px; font-size: 12px; line-height: 1.4; color: #222; }}
.tb-panel {{ width: {PANEL_WIDTH_PX}px; max-width: calc(100% - 80px); box-sizing: border-box; overflow-y: auto;
  overscroll-behavior: contain; padding: 0; }}
.tb-panel-box > summary {{ list-style: none; cursor: pointer; padding: 8px 12px; display: flex; align-items: baseline;
  gap: 8px; }}
.tb-panel-box > summary::-webkit-details-marker {{ display: none; }}
.tb-panel-box > summary::before {{ content: "\\25B8"; flex: none; color: #555; }}
.tb-panel-box[open] > summary::before {{ content: "\\25BE"; }}
.tb-panel-box > summary h1 {{ font-size: 16px; line-height: 1.3; margin: 0; flex: 1 1 auto; min-width: 0; }}
.tb-panel-box:not([open]) > summary h1 {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  font-size: 14px; }}
.tb-short {{ flex: none; font-weight: 600; white-space: nowrap; }}
.tb-short.tb-fail {{ color: #b42318; }}
.tb-short.tb-pass {{ color: #1a7f37; }}
.tb-panel-box[open] .tb-short {{ display: none; }}
.tb-panel-body {{ padding: 0 12px 10px; }}
.tb-panel .tb-legend {{ border-top: 1px solid #ddd; margin-top: 8px; padding-top: 6px; }}
.tb-panel p, .tb-print p {{ margin: 4px 0; }}
.tb-audit-title, .tb-legend h2, .tb-overlay-legend h2 {{ font-size: 13px; margin: 2px 0 4px; }}
.tb-finding {{ font-weight: 700; font-size: 13px; }}
.tb-finding.tb-fail {{ color: #b42318; }}
.tb-finding.tb-pass {{ color: #1a7f37; }}
.tb-holds > summary, .tb-unchecked > summary {{ cursor: pointer; font-weight: 600; margin: 6px 0 2px; }}
.tb-big {{ font-size: 15px; font-weight: 700; }}
.tb-legend h3 {{ font-size: 11px; margin: 6px 0 2px; color: #555; }}
.tb-row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.tb-swatch {{ display: inline-block; flex: none; width: 16px; height: 12px; border-radius: 2px; margin-right: 4px;
  vertical-align: middle; }}
.tb-line {{ display: inline-block; flex: none; width: 22px; height: 0; border-top: 2px solid #444; }}
.tb-dashed {{ border-top-style: dashed; }}
.tb-belt-line {{ height: 6px; border-top: 0; background: {style.BELT_COLOR}; opacity: 0.45; }}
.tb-triangle-line {{ border-top: 3px dotted {style.BELT_COLOR}; opacity: 0.8; }}
.tb-claims {{ border-collapse: collapse; width: 100%; font-size: 11.5px; }}
.tb-claims th, .tb-claims td {{ border-top: 1px solid #ddd; padding: 3px 6px 3px 0; vertical-align: top;
  text-align: left; }}
.tb-claims th {{ font-weight: 600; color: #555; }}
.tb-claims .num {{ text-align: right; padding-right: 10px; }}
.tb-claims td:last-child, .tb-claims th:last-child {{ padding-right: 0; }}
.tb-subject-row th {{ font-weight: 700; color: #222; padding-top: 5px; }}
.tb-ok {{ color: #1a7f37; font-weight: 600; }}
.tb-off {{ color: #b42318; font-weight: 600; }}
.tb-warn {{ color: #8a5a00; }}
.tb-tag {{ display: inline-block; font-size: 10px; padding: 0 4px; border: 1px solid #8a5a00; border-radius: 3px;
  color: #8a5a00; white-space: nowrap; }}
.leaflet-popup-content {{ font-size: 12px; line-height: 1.4; margin: 12px 16px 12px 14px; }}
.tb-popup-body h3 {{ font-size: 15px; line-height: 1.3; margin: 0 0 4px; }}
.tb-popup-body h4 {{ font-size: 13px; margin: 10px 0 2px; }}
.tb-popup-body table {{ border-collapse: collapse; }}
.tb-popup-body th {{ text-align: left; font-weight: 500; color: #555; padding: 1px 12px 1px 0; vertical-align: top; }}
.tb-popup-body td {{ padding: 1px 0; }}
.tb-popup-body td .tb-num {{ display: inline-block; min-width: 8em; text-align: right; }}
.tb-popup-body th.tb-section {{ color: #222; font-weight: 700; padding-top: 4px; }}
.tb-popup-body .tb-claims th, .tb-popup-body .tb-claims td {{ padding: 3px 8px 3px 0; }}
.tb-popup-body .tb-claims .num {{ text-align: right; padding-right: 12px; }}
.tb-role {{ margin-bottom: 4px; }}
.tb-label, .tb-zone-label {{ overflow: visible; }}
.tb-label-text {{ position: relative; display: block; width: max-content; max-width: 11em; text-align: center;
  transform: translate(-50%, -50%); font-size: 11px; line-height: 1.25; color: #333; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }}
.tb-zone-label .tb-label-text {{ font-size: 12px; font-weight: 700; color: #111; max-width: 10em; }}
.leaflet-tooltip.tb-point-label {{ background: rgba(255,255,255,0.85); border: 0; box-shadow: none; padding: 1px 4px;
  font-size: 11px; color: #333; }}
.leaflet-tooltip.tb-point-label::before {{ display: none; }}
.tb-ramp {{ height: 10px; border-radius: 2px; margin: 4px 0 2px; min-width: 160px; }}
.tb-ramp-labels {{ display: flex; justify-content: space-between; font-variant-numeric: tabular-nums; }}
.tb-fullscreen a, .tb-measure-toggle {{ display: flex !important; align-items: center; justify-content: center; }}
.tb-measure {{ background: #fff; }}
.tb-measure-panel {{ padding: 6px 8px; width: 220px; font-size: 12px; }}
.tb-measure-method {{ color: #666; font-size: 10px; margin: 2px 0 4px; }}
.tb-measuring .leaflet-interactive {{ pointer-events: none !important; }}
.tb-north {{ display: none; text-align: center; font: 700 12px/1 {FONT_STACK}; color: #222;
  background: rgba(255,255,255,0.85); border-radius: 4px; padding: 4px 6px; }}
.tb-north svg {{ display: block; margin: 0 auto 2px; }}
.tb-print {{ display: none; }}
@media (max-width: {NARROW_PX - 1}px) {{
  .leaflet-control-attribution {{ font-size: 10px; max-width: calc(100vw - 20px); }}
  .tb-panel-box > summary {{ padding: 8px 10px; min-height: 24px; align-items: center; }}
  .tb-panel-body {{ padding: 0 10px 8px; }}
}}
@media print {{
  @page {{ margin: 10mm; }}
  html, body {{ width: 100% !important; height: auto !important; margin: 0 !important; overflow: visible !important; }}
  body {{ display: flex !important; flex-direction: column; height: calc(100vh - 1px) !important; }}
  .tb-print {{ display: block; color: #111; font-family: {FONT_STACK}; font-size: 9pt; line-height: 1.35; }}
  .tb-print-head {{ order: 0; flex: none; margin-bottom: 2mm; }}
  .tb-print-head h1 {{ font-size: 14pt; margin: 0; }}
  .tb-print-head p {{ margin: 0; color: #444; }}
  .folium-map {{ order: 1; position: relative !important; flex: 1 1 auto; width: 100% !important;
    height: auto !important; min-height: 0; left: 0 !important; top: 0 !important;
    border: 0.3mm solid #888; box-sizing: border-box; break-inside: avoid; }}
  .tb-print-legend {{ order: 2; flex: none; margin-top: 2mm; columns: 2; column-gap: 6mm; font-size: 7.5pt; }}
  .tb-print-legend > * {{ break-inside: avoid; }}
  .tb-print-legend .tb-claims {{ font-size: 7pt; }}
  .tb-print-legend details > summary {{ list-style: none; font-weight: 600; }}
  .tb-print-legend .tb-legend {{ margin-top: 2mm; }}
  .leaflet-control-zoom, .leaflet-control-layers, .tb-fullscreen, .tb-measure, .tb-panel, .tb-opacity,
  .leaflet-popup-pane, .leaflet-tooltip-pane .tb-tooltip {{ display: none !important; }}
  .tb-north {{ display: block; }}
  .leaflet-control-attribution {{ font-size: 7pt; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
@media print and (orientation: landscape) {{
  body {{ display: grid !important; grid-template-columns: 1fr 78mm; grid-template-rows: auto 1fr;
    column-gap: 4mm; }}
  .tb-print-head {{ grid-column: 1 / 3; }}
  .folium-map {{ grid-column: 1; grid-row: 2; height: 100% !important; }}
  .tb-print-legend {{ grid-column: 2; grid-row: 2; columns: 1; margin-top: 0; overflow: hidden; }}
}}
"""
