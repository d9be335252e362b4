// Draws the day's rounds on a Leaflet map: a line per round and a dot per visit, in the
// colours of the key. There are no map tiles; the tables on the page say the same in text.
(function drawRounds() {
  const element = document.getElementById("rounds-map");
  const L = window.L;
  if (!element || !L) {
    return;
  }
  element.replaceChildren();
  const map = L.map(element, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
  const colourOf = (roundId) => {
    const swatch = document.querySelector(`.app-legend [data-round-id="${roundId}"]`);
    return swatch ? window.getComputedStyle(swatch).backgroundColor : "#0b0c0c";
  };
  const style = (feature) => ({ color: colourOf(feature.properties.round_id), weight: 4, opacity: 0.85 });
  const stop = (feature, latlng) =>
    L.circleMarker(latlng, {
      radius: 7,
      color: "#ffffff",
      weight: 2,
      fillColor: colourOf(feature.properties.round_id),
      fillOpacity: 1,
    });
  const label = (feature, layer) => {
    if (feature.properties.label) {
      layer.bindTooltip(feature.properties.label);
    }
  };
  fetch(element.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then((response) => {
      if (!response.ok) {
        throw new Error(`the rounds could not be loaded (${response.status})`);
      }
      return response.json();
    })
    .then((data) => {
      const layer = L.geoJSON(data, { style, pointToLayer: stop, onEachFeature: label }).addTo(map);
      const bounds = layer.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
      } else {
        map.setView([53.7956, -1.5906], 14);
      }
      element.dataset.drawn = String(data.features.length);
    })
    .catch((error) => {
      element.textContent = `The map could not be drawn: ${error.message}. The tables below list the rounds.`;
    });
})();
