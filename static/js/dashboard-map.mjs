// The dashboard's ward map: Leaflet with the wards' own boundaries and no map tiles, shaded by
// the measure chosen. Progressive enhancement: without it the wards table says the same.
import * as L from "/static/leaflet/leaflet-src.esm.js";

const SHADES = ["#f3f2f1", "#c4d8ef", "#8db3e2", "#4c84c4", "#1d5aa0"];

function breaks(values) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (!sorted.length) return [];
  return [1, 2, 3, 4].map((i) => sorted[Math.floor((sorted.length - 1) * (i / 5))]);
}

function shade(value, limits) {
  if (value === null || value === undefined) return "#ffffff";
  let i = 0;
  while (i < limits.length && value > limits[i]) i += 1;
  return SHADES[i];
}

async function draw(container) {
  const response = await fetch(container.dataset.mapUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  const data = await response.json();
  if (!data.features.length) return;
  const canvas = container.querySelector(".snt-map__canvas");
  const controls = container.querySelector(".snt-map__controls");
  const select = container.querySelector("#map-measure");
  const legend = container.querySelector(".snt-map__legend");
  canvas.textContent = "";
  const map = L.map(canvas, { attributionControl: false, zoomSnap: 0.25 });
  let layer = null;

  function render() {
    const key = select.value;
    const limits = breaks(data.features.map((f) => f.properties.measures[key]));
    if (layer) layer.remove();
    layer = L.geoJSON(data, {
      style: (f) => ({
        color: "#505a5f",
        weight: 0.6,
        fillOpacity: 0.85,
        fillColor: shade(f.properties.measures[key], limits),
      }),
      onEachFeature: (f, l) => {
        const value = f.properties.measures[key];
        l.bindTooltip(`${f.properties.name}: ${value === null ? "no residents figure" : value}`);
        l.on("click", () => { window.location.href = f.properties.url; });
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    const label = select.options[select.selectedIndex].text;
    legend.textContent = limits.length
      ? `${label}: lightest up to ${limits[0]}, darkest over ${limits[limits.length - 1]}.`
      : label;
  }

  controls.hidden = false;
  select.addEventListener("change", render);
  render();
}

document.querySelectorAll(".snt-map[data-map-url]").forEach((container) => {
  draw(container);
});
