// The zones map: draws the zones' outlines from the GeoJSON the page names, with no tile
// server. The table on the page carries the same facts for anyone not using the map.
"use strict";

(function () {
  var container = document.getElementById("zones-map");
  if (!container || typeof L === "undefined") {
    return;
  }

  function popup(properties) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.name;
    box.appendChild(title);
    var lines = [
      "Primary: " + properties.primary,
      "Framework: " + properties.framework,
      "People receiving care: " + properties.people,
      "Weekly carer hours: " + properties.weekly_hours,
    ];
    lines.forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  container.hidden = false; // without scripts there is no map, only the table
  var map = L.map(container, { scrollWheelZoom: false });
  if (container.dataset.tiles) {
    L.tileLayer(container.dataset.tiles, {
      attribution: container.dataset.tilesAttribution || "",
      maxZoom: 19,
    }).addTo(map);
  }
  fetch(container.dataset.geojson, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the zones could not be loaded");
      }
      return response.json();
    })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: function () {
          return { color: "#1d70b8", weight: 2, fillOpacity: 0.2 };
        },
        pointToLayer: function (_feature, at) {
          return L.circleMarker(at, { radius: 6 });
        },
        onEachFeature: function (feature, drawn) {
          drawn.bindTooltip(feature.properties.name, { permanent: true, direction: "center" });
          drawn.bindPopup(popup(feature.properties));
        },
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [20, 20] });
      } else {
        map.setView([53.8, -1.55], 12);
      }
      container.dataset.ready = "true";
    })
    .catch(function () {
      map.setView([53.8, -1.55], 12);
      container.dataset.ready = "failed";
    });
})();
