// Draws the day's rounds on a Leaflet map: a line per round and a dot per visit, in each
// round's colour; with one care worker picked, their round in colour and the rest in grey.
// Under them, the tile server's map when one is set; otherwise the area's LSOA boundaries
// and postcode points, drawn from the postcode directory.
// The tables on the page say the same in text.
(function drawRounds() {
  const element = document.getElementById("rounds-map");
  const L = window.L;
  if (!element || !L) {
    return;
  }
  element.replaceChildren();
  const map = L.map(element, {
    attributionControl: false,
    scrollWheelZoom: false,
    zoomSnap: 0.25,
    preferCanvas: true,
  });
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      attribution: element.dataset.tilesAttribution || "",
      maxZoom: 19,
    }).addTo(map);
    map.attributionControl = L.control.attribution({ prefix: false }).addTo(map);
  }
  const picked = element.dataset.carer ? Number(element.dataset.carer) : null;
  const faded = "#b1b4b6";
  const isPicked = (feature) => picked === null || feature.properties.care_worker_id === picked;
  const colourOf = (feature) => (isPicked(feature) ? feature.properties.colour : faded);
  const style = (feature) => ({
    color: colourOf(feature),
    weight: isPicked(feature) ? (picked === null ? 3 : 5) : 1.5,
    opacity: isPicked(feature) ? 0.9 : 0.35,
  });
  const stop = (feature, latlng) =>
    L.circleMarker(latlng, {
      radius: isPicked(feature) ? 7 : 3,
      color: "#ffffff",
      weight: isPicked(feature) ? 2 : 1,
      fillColor: colourOf(feature),
      fillOpacity: 1,
    });
  const label = (feature, layer) => {
    if (feature.properties.label && isPicked(feature)) {
      layer.bindTooltip(feature.properties.label);
    }
  };
  const load = (url) =>
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } }).then(
      (response) => {
        if (!response.ok) {
          throw new Error(`the map could not be loaded (${response.status})`);
        }
        return response.json();
      },
    );
  const background = (data) =>
    L.geoJSON(data, {
      interactive: false,
      style: () => ({ color: "#6f777b", weight: 1, opacity: 0.7 }),
      pointToLayer: (_feature, latlng) =>
        L.circleMarker(latlng, { radius: 1.5, stroke: false, fillColor: "#6f777b", fillOpacity: 0.5 }),
    });
  load(element.dataset.geojson)
    .then((data) => {
      const ordered = picked === null ? data.features : [...data.features].sort((a, b) => isPicked(a) - isPicked(b));
      const rounds = L.geoJSON({ type: "FeatureCollection", features: ordered }, {
        style,
        pointToLayer: stop,
        onEachFeature: label,
      });
      const focus = L.geoJSON({ type: "FeatureCollection", features: data.features.filter(isPicked) });
      const bounds = focus.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
      } else {
        map.setView([53.7956, -1.5906], 14);
      }
      element.dataset.drawn = String(data.features.length);
      const drawRoundsOnTop = () => rounds.addTo(map);
      if (!element.dataset.area) {
        drawRoundsOnTop();
        return;
      }
      load(element.dataset.area)
        .then((area) => {
          background(area).addTo(map);
          element.dataset.areaDrawn = String(area.features.length);
        })
        .catch(() => {})
        .finally(drawRoundsOnTop);
    })
    .catch((error) => {
      element.textContent = `The map could not be drawn: ${error.message}. The tables list the rounds.`;
    });
})();
