// Draws the statistics page's charts with the locally served ECharts, from the JSON blob the
// server put in the page (json_script "statistics-data"). No network, no inline script.
(function () {
  "use strict";
  function draw() {
    var blob = document.getElementById("statistics-data");
    if (!blob || typeof echarts === "undefined") return;
    var data = JSON.parse(blob.textContent);
    if (!data) return;
    var n = data.names;
    var font = { fontFamily: "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" };
    var axis = { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 30, width: 90, overflow: "truncate" } };
    var charts = [];
    function chart(id, option) {
      var element = document.getElementById(id);
      if (!element) return;
      var instance = echarts.init(element, null, { renderer: "svg" });
      option.textStyle = font;
      option.animation = false;
      instance.setOption(option);
      charts.push(instance);
    }
    chart("chart-volumes", {
      title: { text: n.volumes, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 90 },
      xAxis: axis,
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: n.submitted, type: "bar", data: data.series.submitted, itemStyle: { color: "#0b57d0" } },
        { name: n.finished, type: "bar", data: data.series.finished, itemStyle: { color: "#146c2e" } }
      ]
    });
    chart("chart-shares", {
      title: { text: n.shares, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 90 },
      xAxis: axis,
      yAxis: { type: "value", max: 100 },
      series: [
        { name: n.on_time, type: "bar", data: data.series.on_time, itemStyle: { color: "#0b57d0" } },
        { name: n.zero_trips, type: "bar", data: data.series.zero_trips, itemStyle: { color: "#7d5260" } },
        { name: n.online, type: "bar", data: data.series.online, itemStyle: { color: "#146c2e" } }
      ]
    });
    chart("chart-targets", {
      title: { text: n.targets, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 50 },
      xAxis: { type: "category", data: [n.mobile_ready, n.online_matters] },
      yAxis: { type: "value", max: 100 },
      series: [
        { name: n.actual, type: "bar", data: data.targets.actual, itemStyle: { color: "#0b57d0" }, label: { show: true, position: "top", formatter: "{c}%" } },
        { name: n.goal, type: "bar", data: data.targets.goal, itemStyle: { color: "#b0b0b0" }, label: { show: true, position: "top", formatter: "{c}%" } }
      ]
    });
    document.documentElement.setAttribute("data-charts", String(charts.length));
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
