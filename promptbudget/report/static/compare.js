/* promptbudget report: pick two settings of a budget sweep and compare each item's responses.
 * Server-rendered defaults (smallest vs largest) work without this script; it only re-marks
 * the chosen cells, recounts the items whose answers differ and puts those first.
 */
(function () {
  "use strict";
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function update(block, picks) {
    var left = picks[0].value, right = picks[1].value;
    var list = block.querySelector(".cmp-items");
    var items = Array.prototype.slice.call(list.children);
    var differing = 0;
    items.forEach(function (item) {
      var keys = {};
      each(item.querySelectorAll(".cmp-cell"), function (cell) {
        var setting = cell.getAttribute("data-setting");
        cell.classList.toggle("cmp-left", setting === left);
        cell.classList.toggle("cmp-right", setting === right && setting !== left);
        keys[setting] = cell.getAttribute("data-key");
      });
      var differ = left in keys && right in keys && keys[left] !== keys[right];
      if (differ) differing += 1;
      item.setAttribute("data-differ", differ ? "1" : "0");
      var badge = item.querySelector(".cmp-badge");
      if (badge) badge.textContent = differ ? "answers differ" : "same answer";
    });
    items.sort(function (a, b) {
      var d = Number(b.getAttribute("data-differ")) - Number(a.getAttribute("data-differ"));
      return d || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
    });
    items.forEach(function (item) { list.appendChild(item); });
    var count = block.querySelector(".cmp-count");
    if (count) count.textContent = differing + " of " + items.length + " items differ";
  }
  each(document.querySelectorAll(".compare"), function (block) {
    var picks = block.querySelectorAll("select.cmp-pick");
    if (picks.length !== 2) return;
    each(picks, function (pick) { pick.addEventListener("change", function () { update(block, picks); }); });
  });
})();
